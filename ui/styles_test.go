package ui

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// withProfile draws with a colour profile for the rest of the test.
func withProfile(t *testing.T, p termenv.Profile) {
	lipgloss.SetColorProfile(p)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
}

func TestThemePicksThePalette(t *testing.T) {
	withProfile(t, termenv.TrueColor)
	for _, c := range []struct {
		theme Theme
		ok    string // colorOK's true colour for that background
	}{{ThemeDark, "38;2;87;217;119"}, {ThemeLight, "38;2;26;127;55"}} {
		m := New(Config{Theme: c.theme})
		if !strings.Contains(m.env.styles.OK.pre, c.ok) {
			t.Errorf("theme %s draws ok as %q, want the %s palette (%s)", c.theme, m.env.styles.OK.pre, c.theme, c.ok)
		}
	}
	for in, want := range map[string]Theme{"": ThemeAuto, "auto": ThemeAuto, "Dark": ThemeDark, " light": ThemeLight} {
		if got, err := ParseTheme(in); err != nil || got != want {
			t.Errorf("ParseTheme(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseTheme("solarized"); err == nil || !strings.Contains(err.Error(), "auto, dark or light") {
		t.Errorf("an unknown theme should say which there are: %v", err)
	}
}

// sgr finds the parameters of every SGR sequence.
var sgr = regexp.MustCompile(`\x1b\[([0-9;]*)m`)

// TestNoColourEight: no style of either theme, in any colour profile,
// uses ANSI colour 8 (bright black), unreadable on many dark themes.
func TestNoColourEight(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		withProfile(t, profile)
		for _, dark := range []bool{true, false} {
			st := reflect.ValueOf(*newStyles(dark))
			for i := range st.NumField() {
				var drawn string
				switch f := st.Field(i).Interface().(type) {
				case paint:
					drawn = f.on("x")
				case lipgloss.Style:
					drawn = f.Render("x")
				}
				for _, params := range sgr.FindAllStringSubmatch(drawn, -1) {
					p := ";" + params[1] + ";"
					if strings.Contains(p, ";90;") || strings.Contains(p, ";100;") || strings.Contains(p, ";5;8;") {
						t.Errorf("profile %v, dark %v: %s uses colour 8: %q", profile, dark, st.Type().Field(i).Name, drawn)
					}
				}
			}
		}
	}
}

// TestSelectedRowHighlightedAcrossItsWidth: the selected row is drawn in
// reverse video from its first cell to its last, its painted cells (a
// badge, a muted number) included; so is the focused detail's line and
// the overview's.
func TestSelectedRowHighlightedAcrossItsWidth(t *testing.T) {
	withProfile(t, termenv.TrueColor)
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	reverse := m.env.styles.Selected.pre
	highlighted := func(where, line string) {
		t.Helper()
		i := strings.Index(line, reverse)
		if i < 0 {
			t.Fatalf("%s: no reverse video in %q", where, line)
		}
		body := line[i:]
		last := strings.LastIndex(body, sgrReset)
		for rest := body[:last]; ; {
			j := strings.Index(rest, sgrReset)
			if j < 0 {
				break
			}
			if !strings.HasPrefix(rest[j+len(sgrReset):], reverse) {
				t.Fatalf("%s: the highlight stops inside the row: %q", where, body)
			}
			rest = rest[j+len(sgrReset):]
		}
		if n := width(line); n < 80 {
			t.Fatalf("%s: %d cells", where, n)
		}
	}
	find := func(view, text string) string {
		for _, l := range strings.Split(view, "\n") {
			if strings.Contains(l, text) {
				return l
			}
		}
		t.Fatalf("no line with %q", text)
		return ""
	}
	press(t, m, "2", "j")
	highlighted("list", find(m.View(), "graph_snapshot"))
	press(t, m, "enter")
	highlighted("detail", find(m.View(), "event_id"))
	press(t, m, "1")
	highlighted("overview", find(m.View(), "Title"))
}
