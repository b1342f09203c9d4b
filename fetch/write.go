package fetch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// renameFile is os.Rename; a test replaces it to stop a save between two
// writes, as a kill would.
var renameFile = os.Rename

// writeAtomic writes data to path through a temp file in tmpDir (on the
// same file system) and a rename, so that path holds its old content or
// all of data, never a part.
func writeAtomic(path, tmpDir string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(tmpDir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := renameFile(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// WriteOutput writes data to path as `fetch -o PATH` means it. A new path
// or a regular file is replaced atomically (temp file + rename, keeping a
// regular file's permissions), so a reader never sees half a bundle.
// Anything else is written through, as a shell's > would: a symlink's
// target is written and the link kept, a device or a FIFO receives the
// bytes and stays what it is (renaming over /dev/null as root would
// replace the device with a file).
func WriteOutput(path string, data []byte) error {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return writeAtomic(path, filepath.Dir(path), data, 0o644)
	case err != nil:
		return err
	case info.Mode().IsRegular():
		return writeAtomic(path, filepath.Dir(path), data, info.Mode().Perm())
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	return errors.Join(werr, f.Close())
}
