package figures

import (
	"image/color"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// pdfCanvas is a vgpdf canvas that draws text as the outlines of its
// glyphs. vgpdf writes text in the code page 1252, which has no ρ, √, ‖
// or Δ (they come out as other characters); outlines look the same in
// every viewer and need no font, at the cost of text that cannot be
// selected. The glyphs are laid out as gonum/plot measures them
// (font.Face.Width: advances and kerning, no hinting), so that text sits
// where the layout expects it.
type pdfCanvas struct{ *vgpdf.Canvas }

// SetColor implements vg.Canvas. vgpdf passes the colour's RGBA values
// to PDF, whose colours are not premultiplied by alpha (its opacity is
// separate): a translucent colour came out darker. Its straight values go
// in their place.
func (c pdfCanvas) SetColor(clr color.Color) {
	if clr != nil {
		clr = straightAlpha(color.NRGBA64Model.Convert(clr).(color.NRGBA64))
	}
	c.Canvas.SetColor(clr)
}

// straightAlpha is a colour whose RGBA method returns its components not
// premultiplied by alpha, for vgpdf alone (color.Color's RGBA is
// premultiplied).
type straightAlpha color.NRGBA64

func (c straightAlpha) RGBA() (r, g, b, a uint32) {
	return uint32(c.R), uint32(c.G), uint32(c.B), uint32(c.A)
}

// FillString implements vg.Canvas: the text's outlines, filled, from the
// baseline point pt.
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	if p := textPath(f, pt, s); len(p) > 0 {
		c.Fill(p)
	}
}

// textPath returns the outlines of s in face f from the baseline point pt.
// A glyph the font cannot give is left out.
func textPath(f font.Face, pt vg.Point, s string) vg.Path {
	var (
		buf  sfnt.Buffer
		path vg.Path
		// At ppem = units per em, outlines and advances come in font
		// units (as font.Face.Width reads them).
		ppem    = fixed.Int26_6(f.Face.UnitsPerEm())
		scale   = f.Font.Size / vg.Length(ppem)
		x       = vg.Length(0)
		prev    sfnt.GlyphIndex
		hasPrev bool
		point   = func(p fixed.Point26_6) vg.Point {
			// sfnt's y axis points down.
			return vg.Point{X: pt.X + x + vg.Length(p.X)*scale, Y: pt.Y - vg.Length(p.Y)*scale}
		}
	)
	for _, r := range s {
		idx, err := f.Face.GlyphIndex(&buf, r)
		if err != nil {
			continue
		}
		if hasPrev {
			// No kerning pair is sfnt.ErrNotFound: none to apply.
			if k, err := f.Face.Kern(&buf, prev, idx, ppem, xfont.HintingNone); err == nil {
				x += vg.Length(k) * scale
			}
		}
		segs, err := f.Face.LoadGlyph(&buf, idx, ppem, nil)
		if err == nil {
			for _, sg := range segs {
				switch sg.Op {
				case sfnt.SegmentOpMoveTo:
					if len(path) > 0 {
						path.Close()
					}
					path.Move(point(sg.Args[0]))
				case sfnt.SegmentOpLineTo:
					path.Line(point(sg.Args[0]))
				case sfnt.SegmentOpQuadTo:
					path.QuadTo(point(sg.Args[0]), point(sg.Args[1]))
				case sfnt.SegmentOpCubeTo:
					path.CubeTo(point(sg.Args[0]), point(sg.Args[1]), point(sg.Args[2]))
				}
			}
			if len(segs) > 0 {
				path.Close()
			}
		}
		if adv, err := f.Face.GlyphAdvance(&buf, idx, ppem, xfont.HintingNone); err == nil {
			x += vg.Length(adv) * scale
		}
		prev, hasPrev = idx, true
	}
	return path
}
