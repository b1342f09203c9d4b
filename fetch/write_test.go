package fetch

import (
	"os"
	"path/filepath"
	"testing"
)

// WriteOutput replaces a new path or a regular file (keeping its
// permissions) and writes through a symlink, even a dangling one.
func TestWriteOutput(t *testing.T) {
	dir := t.TempDir()
	data := []byte(`{"bundle_type":"pith_open_graph_bundle"}`)
	check := func(path string, wantMode os.FileMode) {
		t.Helper()
		if got, err := os.ReadFile(path); err != nil || string(got) != string(data) {
			t.Errorf("%s holds %q, %v", path, got, err)
		}
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != wantMode {
			t.Errorf("%s: mode %v, want %v", path, info.Mode().Perm(), wantMode)
		}
	}

	fresh := filepath.Join(dir, "new.json")
	if err := WriteOutput(fresh, data); err != nil {
		t.Fatal(err)
	}
	check(fresh, 0o644)

	private := filepath.Join(dir, "private.json")
	if err := os.WriteFile(private, []byte("old and longer than the new content, to be replaced whole"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteOutput(private, data); err != nil {
		t.Fatal(err)
	}
	check(private, 0o600)

	target, link := filepath.Join(dir, "target.json"), filepath.Join(dir, "dangling.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteOutput(link, data); err != nil {
		t.Fatal(err)
	}
	check(target, 0o644)
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link became %v", info.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("%d files in the folder, want 4 (no temp file left)", len(entries))
	}
}
