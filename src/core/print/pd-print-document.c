/* pd-print-document.c: blocks of text, rows and QR codes laid out with Pango on cairo. */
#define G_LOG_DOMAIN "pd-print"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "pd-print-document.h"

#define MM_TO_PT(mm) ((mm) * 72.0 / 25.4)
#define PT_TO_MM(pt) ((pt) * 25.4 / 72.0)

/* Noto Sans and DejaVu Sans both draw every Vietnamese letter with its stacked marks. */
#define FONT_FAMILIES "Noto Sans,DejaVu Sans,sans-serif"

/* Below this a QR code does not read reliably from a 203 dpi thermal print (2.4 dots). */
#define QR_MIN_MODULE_MM 0.3

/* A paper that would spill onto a second page (a slip on A6) is laid out again tighter: the
 * QR code smaller (it stays readable, QR_MIN_MODULE_MM), spaces halved, less room to sign. */
#define COMPACT_QR_SHARE   0.5
#define COMPACT_SPACE      0.5
#define COMPACT_SIGN_MM    11

/* Official papers head with the national name and motto, always in Vietnamese. */
#define NATIONAL_NAME  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#define NATIONAL_MOTTO "Độc lập - Tự do - Hạnh phúc"

typedef struct {
  const char *name;
  double      width_mm;
  double      height_mm;   /* 0: a roll */
  double      margin_mm;
  double      font_size;   /* body text, points */
} PaperInfo;

static const PaperInfo papers[PD_N_PRINT_PAPERS] = {
  [PD_PRINT_PAPER_A5]      = { "a5",     148, 210, 12, 10.5 },
  [PD_PRINT_PAPER_A6]      = { "a6",     105, 148,  8,  9.0 },
  [PD_PRINT_PAPER_ROLL_80] = { "roll80",  80,   0,  4,  9.0 },
  [PD_PRINT_PAPER_ROLL_58] = { "roll58",  58,   0,  5,  8.0 },
};

typedef enum {
  BLOCK_TEXT,
  BLOCK_ROW,
  BLOCK_HEADING,
  BLOCK_QR,
  BLOCK_RULE,
  BLOCK_SPACE,
  BLOCK_SIGNATURE,
} BlockKind;

typedef struct {
  BlockKind     kind;
  PdPrintStyle  style;
  PdPrintAlign  align;
  char         *text;    /* text; row label; issuer; signature caption */
  char         *value;   /* row value; signature name */
  PdPrintQr    *qr;
  double        mm;      /* QR size, space height */
} Block;

typedef struct {
  guint  block;
  double y;              /* points from the top of the paper */
  double qr_side;        /* a QR code shrunk to end its page; 0 for the usual size */
} Placement;

struct _PdPrintDocument
{
  GObject       parent_instance;

  char         *title;
  PdPrintPaper  paper;
  GPtrArray    *blocks;     /* Block */
  GPtrArray    *qr_codes;   /* PdPrintQr, owned by the blocks */

  /* From the last paginate(); pages is empty when it has to run again. */
  GPtrArray    *pages;      /* GArray of Placement */
  double        page_height;
  gboolean      compact;    /* laid out tighter, to keep the paper on one page */
};

G_DEFINE_TYPE (PdPrintDocument, pd_print_document, G_TYPE_OBJECT)

G_DEFINE_QUARK (pd-print-error-quark, pd_print_error)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_PAPER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
pd_print_paper_to_string (PdPrintPaper paper)
{
  g_return_val_if_fail (paper < PD_N_PRINT_PAPERS, NULL);
  return papers[paper].name;
}

PdPrintPaper
pd_print_paper_from_string (const char *text)
{
  for (guint i = 0; text != NULL && i < PD_N_PRINT_PAPERS; i++)
    if (g_ascii_strcasecmp (text, papers[i].name) == 0)
      return i;
  return PD_N_PRINT_PAPERS;
}

void
pd_print_paper_get_size (PdPrintPaper  paper,
                         double       *width_mm,
                         double       *height_mm)
{
  g_return_if_fail (paper < PD_N_PRINT_PAPERS);

  if (width_mm != NULL)
    *width_mm = papers[paper].width_mm;
  if (height_mm != NULL)
    *height_mm = papers[paper].height_mm;
}

static void
block_free (Block *block)
{
  g_free (block->text);
  g_free (block->value);
  pd_print_qr_free (block->qr);
  g_free (block);
}

static void
invalidate (PdPrintDocument *self)
{
  g_ptr_array_set_size (self->pages, 0);
  self->page_height = 0;
}

static void
pd_print_document_finalize (GObject *object)
{
  PdPrintDocument *self = PD_PRINT_DOCUMENT (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->qr_codes, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);

  G_OBJECT_CLASS (pd_print_document_parent_class)->finalize (object);
}

static void
pd_print_document_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PdPrintDocument *self = PD_PRINT_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PAPER:
      g_value_set_uint (value, self->paper);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_print_document_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PdPrintDocument *self = PD_PRINT_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_free (self->title);
      self->title = g_value_dup_string (value);
      break;
    case PROP_PAPER:
      pd_print_document_set_paper (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_print_document_class_init (PdPrintDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_print_document_finalize;
  object_class->get_property = pd_print_document_get_property;
  object_class->set_property = pd_print_document_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAPER] =
    g_param_spec_uint ("paper", NULL, NULL, 0, PD_N_PRINT_PAPERS - 1, PD_PRINT_PAPER_A5,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pd_print_document_init (PdPrintDocument *self)
{
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  self->qr_codes = g_ptr_array_new ();
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
}

PdPrintDocument *
pd_print_document_new (const char   *title,
                       PdPrintPaper  paper)
{
  g_return_val_if_fail (paper < PD_N_PRINT_PAPERS, NULL);

  return g_object_new (PD_TYPE_PRINT_DOCUMENT, "title", title, "paper", paper, NULL);
}

const char *
pd_print_document_get_title (PdPrintDocument *self)
{
  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), NULL);
  return self->title;
}

PdPrintPaper
pd_print_document_get_paper (PdPrintDocument *self)
{
  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), PD_PRINT_PAPER_A5);
  return self->paper;
}

void
pd_print_document_set_paper (PdPrintDocument *self,
                             PdPrintPaper     paper)
{
  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));
  g_return_if_fail (paper < PD_N_PRINT_PAPERS);

  if (self->paper == paper)
    return;
  self->paper = paper;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAPER]);
}

static Block *
add_block (PdPrintDocument *self,
           BlockKind        kind)
{
  Block *block = g_new0 (Block, 1);

  block->kind = kind;
  g_ptr_array_add (self->blocks, block);
  invalidate (self);
  return block;
}

void
pd_print_document_add_text (PdPrintDocument *self,
                            PdPrintStyle     style,
                            PdPrintAlign     align,
                            const char      *text)
{
  Block *block;

  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));
  g_return_if_fail (text != NULL);

  block = add_block (self, BLOCK_TEXT);
  block->style = style;
  block->align = align;
  block->text = g_strdup (text);
}

void
pd_print_document_add_row (PdPrintDocument *self,
                           const char      *label,
                           const char      *value)
{
  Block *block;

  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));
  g_return_if_fail (label != NULL);

  block = add_block (self, BLOCK_ROW);
  block->text = g_strdup (label);
  block->value = g_strdup (value != NULL ? value : "");
}

void
pd_print_document_add_heading (PdPrintDocument *self,
                               const char      *issuer)
{
  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));
  g_return_if_fail (issuer != NULL);

  add_block (self, BLOCK_HEADING)->text = g_strdup (issuer);
}

gboolean
pd_print_document_add_qr (PdPrintDocument  *self,
                          const char       *text,
                          double            size_mm,
                          GError          **error)
{
  g_autoptr(PdPrintQr) qr = NULL;
  Block *block;

  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (size_mm > 0, FALSE);

  qr = pd_print_qr_new (text, error);
  if (qr == NULL)
    return FALSE;

  block = add_block (self, BLOCK_QR);
  block->mm = size_mm;
  block->qr = g_steal_pointer (&qr);
  g_ptr_array_add (self->qr_codes, block->qr);
  return TRUE;
}

void
pd_print_document_add_rule (PdPrintDocument *self)
{
  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));
  add_block (self, BLOCK_RULE);
}

void
pd_print_document_add_space (PdPrintDocument *self,
                             double           mm)
{
  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));
  add_block (self, BLOCK_SPACE)->mm = mm;
}

void
pd_print_document_add_signature (PdPrintDocument *self,
                                 const char      *caption,
                                 const char      *name)
{
  Block *block;

  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));
  g_return_if_fail (caption != NULL);

  block = add_block (self, BLOCK_SIGNATURE);
  block->text = g_strdup (caption);
  block->value = g_strdup (name);
}

GPtrArray *
pd_print_document_get_qr_codes (PdPrintDocument *self)
{
  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), NULL);
  return self->qr_codes;
}

/* Layout */

static PangoContext *
create_pango_context (cairo_t *cr)
{
  PangoContext *context = pango_cairo_create_context (cr);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* One pango point is one user unit, and glyph advances do not depend on the device, so a
   * layout measured on one surface fits on another. */
  pango_cairo_context_set_resolution (context, 72);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_context_set_round_glyph_positions (context, FALSE);
  cairo_font_options_destroy (options);
  return context;
}

static PangoLayout *
create_layout (PdPrintDocument *self,
               PangoContext    *context,
               PdPrintStyle     style,
               double           scale,
               PdPrintAlign     align,
               double           width,
               const char      *text)
{
  PangoLayout *layout = pango_layout_new (context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILIES);
  double size = papers[self->paper].font_size * scale;

  switch (style)
    {
    case PD_PRINT_STYLE_BODY:
      break;
    case PD_PRINT_STYLE_STRONG:
      pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
      break;
    case PD_PRINT_STYLE_SMALL:
      size *= 0.8;
      break;
    case PD_PRINT_STYLE_TITLE:
      size *= 1.45;
      pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
      break;
    case PD_PRINT_STYLE_HUGE:
      size *= 4.5;
      pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
      break;
    default:
      g_assert_not_reached ();
    }

  pango_font_description_set_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, align == PD_PRINT_ALIGN_CENTER ? PANGO_ALIGN_CENTER
                                                                      : PANGO_ALIGN_LEFT);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* The height of @layout: the logical box, grown to the ink when stacked marks (Ễ, Ậ) or
 * descenders reach outside it so that nothing touches the next block. Sets @top to how far
 * the ink rises above the logical box. */
static double
layout_height (PangoLayout *layout,
               double      *top)
{
  PangoRectangle ink, logical;
  double above, below;

  pango_layout_get_extents (layout, &ink, &logical);
  above = MAX (0, logical.y - ink.y) / (double) PANGO_SCALE;
  below = MAX (0, (ink.y + ink.height) - (logical.y + logical.height)) / (double) PANGO_SCALE;
  if (top != NULL)
    *top = above;
  return above + logical.height / (double) PANGO_SCALE + below;
}

static double
place_layout (cairo_t     *cr,
              PangoLayout *layout,
              double       x,
              double       y)
{
  double top;
  double height = layout_height (layout, &top);

  if (cr != NULL)
    {
      cairo_move_to (cr, x, y + top);
      pango_cairo_show_layout (cr, layout);
    }
  return height;
}

static double
content_width (PdPrintDocument *self)
{
  return MM_TO_PT (papers[self->paper].width_mm - 2 * papers[self->paper].margin_mm);
}

static double
gap_after (PdPrintDocument *self,
           const Block     *block)
{
  double body = papers[self->paper].font_size;

  switch (block->kind)
    {
    case BLOCK_SPACE:
      return 0;
    case BLOCK_HEADING:
      return body;
    case BLOCK_QR:
      /* The quiet zone already sets the code apart. */
      return 0.2 * body;
    case BLOCK_TEXT:
      return block->style == PD_PRINT_STYLE_TITLE || block->style == PD_PRINT_STYLE_HUGE
             ? 0.6 * body : 0.3 * body;
    case BLOCK_ROW:
    case BLOCK_RULE:
    case BLOCK_SIGNATURE:
    default:
      return 0.35 * body;
    }
}

/* The size asked for, grown when its modules would be too small to read, and never wider
 * than the paper. */
static double
qr_side (PdPrintDocument *self,
         const Block     *block)
{
  double smallest = MM_TO_PT (QR_MIN_MODULE_MM) *
                    (pd_print_qr_get_width (block->qr) + 2 * PD_PRINT_QR_QUIET_ZONE);
  double wanted = MM_TO_PT (self->compact ? COMPACT_QR_SHARE * block->mm : block->mm);

  return MIN (MAX (wanted, smallest), content_width (self));
}

/* Vietnamese writes each syllable of a proper name capitalised ("Công an thành phố Hà Nội",
 * "Thành phố Hồ Chí Minh"): a run of such words is a place or an office name, and a line break
 * inside it ("Hà / Nội") reads as two names. Longer runs (a heading in capitals) may break. */
#define NAME_MAX_WORDS 4

static void
keep_names_together (PangoLayout *layout,
                     const char  *text)
{
  PangoAttrList *attrs = pango_attr_list_new ();
  const char *run_start = NULL, *run_end = NULL;
  guint run_words = 0;
  const char *p = text;

  for (;;)
    {
      const char *word = p;
      gboolean capital, clause_end;

      while (*word == ' ')
        word++;
      p = word;
      while (*p != '\0' && *p != ' ')
        p = g_utf8_next_char (p);
      capital = p > word && g_unichar_isupper (g_utf8_get_char (word));
      /* "Kim Liên, Hà Nội": a comma ends a name. */
      clause_end = p > word && g_unichar_ispunct (g_utf8_get_char (g_utf8_prev_char (p)));

      if (capital)
        {
          if (run_start == NULL)
            run_start = word;
          run_end = p;
          run_words++;
        }
      if ((!capital || clause_end || *p == '\0') && run_start != NULL)
        {
          if (run_words >= 2 && run_words <= NAME_MAX_WORDS)
            {
              PangoAttribute *attr = pango_attr_allow_breaks_new (FALSE);

              attr->start_index = run_start - text;
              attr->end_index = run_end - text;
              pango_attr_list_insert (attrs, attr);
            }
          run_start = NULL;
          run_words = 0;
        }
      if (*p == '\0')
        break;
    }
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
}

static double
do_heading (PdPrintDocument *self,
            cairo_t         *cr,
            PangoContext    *context,
            const Block     *block,
            double           x,
            double           y,
            double           width)
{
  /* Side by side on A5 (issuer 40 %, motto 60 %), stacked on anything narrower. */
  gboolean side_by_side = width >= MM_TO_PT (100);
  double gap = MM_TO_PT (3);
  double issuer_width = side_by_side ? (width - gap) * 0.4 : width;
  double motto_width = side_by_side ? width - gap - issuer_width : width;
  double motto_x = side_by_side ? x + issuer_width + gap : x;
  double rule = MM_TO_PT (side_by_side ? 25 : 20);
  g_autoptr(PangoLayout) issuer = create_layout (self, context, PD_PRINT_STYLE_STRONG, 0.85,
                                                 PD_PRINT_ALIGN_CENTER, issuer_width, block->text);
  g_autoptr(PangoLayout) name = create_layout (self, context, PD_PRINT_STYLE_STRONG, 0.85,
                                               PD_PRINT_ALIGN_CENTER, motto_width, NATIONAL_NAME);
  g_autoptr(PangoLayout) motto = create_layout (self, context, PD_PRINT_STYLE_STRONG, 0.9,
                                                PD_PRINT_ALIGN_CENTER, motto_width, NATIONAL_MOTTO);
  double issuer_height, motto_height, motto_y;
  PangoRectangle motto_ink;

  keep_names_together (issuer, block->text);
  issuer_height = place_layout (cr, issuer, x, y);
  issuer_height += MM_TO_PT (1.5);
  if (cr != NULL)
    {
      cairo_set_line_width (cr, 0.6);
      cairo_move_to (cr, x + (issuer_width - rule) / 2, y + issuer_height);
      cairo_rel_line_to (cr, rule, 0);
      cairo_stroke (cr);
    }
  issuer_height += MM_TO_PT (1);

  motto_y = side_by_side ? y : y + issuer_height + MM_TO_PT (2.5);
  motto_height = place_layout (cr, name, motto_x, motto_y);
  motto_height += place_layout (cr, motto, motto_x, motto_y + motto_height);
  motto_height += MM_TO_PT (1.5);
  /* The rule under the motto is as long as the motto, as on official papers. */
  pango_layout_get_pixel_extents (motto, &motto_ink, NULL);
  if (cr != NULL)
    {
      cairo_set_line_width (cr, 0.6);
      cairo_move_to (cr, motto_x + motto_ink.x, motto_y + motto_height);
      cairo_rel_line_to (cr, motto_ink.width, 0);
      cairo_stroke (cr);
    }
  motto_height += MM_TO_PT (1);

  if (side_by_side)
    return MAX (issuer_height, motto_height);
  return motto_y - y + motto_height;
}

/* Measures @block at @y and, when @cr is not NULL, draws it. One function for both so that
 * what is drawn is what was measured. */
static double
do_block (PdPrintDocument *self,
          cairo_t         *cr,
          PangoContext    *context,
          const Block     *block,
          double           y,
          double           qr_side_override)
{
  double x = MM_TO_PT (papers[self->paper].margin_mm);
  double width = content_width (self);

  switch (block->kind)
    {
    case BLOCK_TEXT:
      {
        g_autoptr(PangoLayout) layout = create_layout (self, context, block->style, 1,
                                                       block->align, width, block->text);
        return place_layout (cr, layout, x, y);
      }

    case BLOCK_ROW:
      {
        /* Narrow paper gives the value more room: names and addresses are long. */
        double label_width = width * (width < MM_TO_PT (60) ? 0.34 : 0.38);
        double gap = MM_TO_PT (2);
        g_autoptr(PangoLayout) label = create_layout (self, context, PD_PRINT_STYLE_BODY, 1,
                                                      PD_PRINT_ALIGN_LEFT, label_width, block->text);
        g_autoptr(PangoLayout) value = create_layout (self, context, PD_PRINT_STYLE_STRONG, 1,
                                                      PD_PRINT_ALIGN_LEFT,
                                                      width - label_width - gap, block->value);
        double label_height = place_layout (cr, label, x, y);
        double value_height = place_layout (cr, value, x + label_width + gap, y);

        return MAX (label_height, value_height);
      }

    case BLOCK_HEADING:
      return do_heading (self, cr, context, block, x, y, width);

    case BLOCK_QR:
      {
        double side = qr_side_override > 0 ? qr_side_override : qr_side (self, block);

        if (cr != NULL)
          pd_print_qr_draw (block->qr, cr, x + (width - side) / 2, y, side);
        return side;
      }

    case BLOCK_RULE:
      if (cr != NULL)
        {
          cairo_set_line_width (cr, 0.5);
          cairo_set_dash (cr, (double[]) { 2, 2 }, 2, 0);
          cairo_move_to (cr, x, y + 2);
          cairo_rel_line_to (cr, width, 0);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      return 4;

    case BLOCK_SPACE:
      return MM_TO_PT (self->compact ? COMPACT_SPACE * block->mm : block->mm);

    case BLOCK_SIGNATURE:
      {
        gboolean half = width >= MM_TO_PT (80);
        double column = half ? width / 2 : width;
        double column_x = half ? x + width / 2 : x;
        g_autoptr(PangoLayout) caption = create_layout (self, context, PD_PRINT_STYLE_STRONG, 1,
                                                        PD_PRINT_ALIGN_CENTER, column, block->text);
        double height = place_layout (cr, caption, column_x, y);

        /* Signed by hand: the signer writes their name under the signature, as on every
         * Vietnamese form, and the room for both is kept. */
        if (block->value == NULL)
          {
            g_autoptr(PangoLayout) hint = create_layout (self, context, PD_PRINT_STYLE_SMALL, 1,
                                                         PD_PRINT_ALIGN_CENTER, column,
                                                         _("(signature and full name)"));
            height += place_layout (cr, hint, column_x, y + height);
            height += MM_TO_PT (self->compact ? COMPACT_SIGN_MM + 4 : half ? 22 : 16);
          }
        else
          height += MM_TO_PT (self->compact ? COMPACT_SIGN_MM : half ? 16 : 12);
        if (block->value != NULL)
          {
            g_autoptr(PangoLayout) name = create_layout (self, context, PD_PRINT_STYLE_BODY, 1,
                                                         PD_PRINT_ALIGN_CENTER, column, block->value);
            height += place_layout (cr, name, column_x, y + height);
          }
        return height;
      }

    default:
      g_assert_not_reached ();
    }
}

static gboolean paginate (PdPrintDocument *self, cairo_t *cr, GError **error);

gboolean
pd_print_document_paginate (PdPrintDocument  *self,
                            cairo_t          *cr,
                            GError          **error)
{
  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);

  self->compact = FALSE;
  if (!paginate (self, cr, error))
    return FALSE;
  /* A page that holds only the end of a paper (the signature under a slip) is worse than a
   * tighter paper: try once, keep it when it saves a page. */
  if (self->pages->len > 1 && papers[self->paper].height_mm > 0)
    {
      guint n_pages = self->pages->len;

      self->compact = TRUE;
      if (paginate (self, cr, NULL) && self->pages->len < n_pages)
        return TRUE;
      self->compact = FALSE;
      return paginate (self, cr, error);
    }
  return TRUE;
}

static gboolean
paginate (PdPrintDocument  *self,
          cairo_t          *cr,
          GError          **error)
{
  PangoContext *context;
  const PaperInfo *paper;
  double margin, bottom, y;
  GArray *page;

  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);

  invalidate (self);
  paper = &papers[self->paper];
  margin = MM_TO_PT (paper->margin_mm);
  bottom = paper->height_mm > 0 ? MM_TO_PT (paper->height_mm) - margin : G_MAXDOUBLE;
  context = create_pango_context (cr);

  page = g_array_new (FALSE, FALSE, sizeof (Placement));
  g_ptr_array_add (self->pages, page);
  y = margin;
  for (guint i = 0; i < self->blocks->len; i++)
    {
      const Block *block = g_ptr_array_index (self->blocks, i);
      Placement placement = { i, 0, 0 };
      double height;

      if (block->kind == BLOCK_QR)
        {
          double module = PT_TO_MM (qr_side (self, block)) /
                          (pd_print_qr_get_width (block->qr) + 2 * PD_PRINT_QR_QUIET_ZONE);

          if (module < QR_MIN_MODULE_MM - 1e-6)
            {
              invalidate (self);
              g_object_unref (context);
              g_set_error (error, PD_PRINT_ERROR, PD_PRINT_ERROR_TOO_SMALL,
                           _("The QR code holds too much to read back from %s paper: print on wider paper (A6 or A5)."),
                           paper->name);
              return FALSE;
            }
        }

      height = do_block (self, NULL, context, block, y, 0);
      if (block->kind == BLOCK_QR && y + height > bottom && page->len > 0)
        {
          /* A code alone on a page would part from what it belongs to: rather shrink it to
           * the room left, as long as it stays readable and not much smaller. */
          double room = bottom - y;
          double smallest = MM_TO_PT (QR_MIN_MODULE_MM) *
                            (pd_print_qr_get_width (block->qr) + 2 * PD_PRINT_QR_QUIET_ZONE);

          if (room >= smallest && room >= 0.6 * height)
            height = placement.qr_side = room;
        }
      if (y + height > bottom && page->len > 0)
        {
          /* Spaces and rules at a page break would only push the next block down. */
          if (block->kind == BLOCK_SPACE || block->kind == BLOCK_RULE)
            continue;
          page = g_array_new (FALSE, FALSE, sizeof (Placement));
          g_ptr_array_add (self->pages, page);
          y = margin;
        }
      if (y + height > bottom)
        {
          invalidate (self);
          g_object_unref (context);
          g_set_error (error, PD_PRINT_ERROR, PD_PRINT_ERROR_TOO_SMALL,
                       _("A part of “%s” is taller than a %s page: print on larger paper."),
                       self->title != NULL ? self->title : "", paper->name);
          return FALSE;
        }
      placement.y = y;
      g_array_append_val (page, placement);
      y += height + gap_after (self, block);
    }

  g_object_unref (context);
  self->page_height = paper->height_mm > 0 ? MM_TO_PT (paper->height_mm) : y + margin;
  return TRUE;
}

guint
pd_print_document_get_n_pages (PdPrintDocument *self)
{
  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), 0);
  return self->pages->len;
}

void
pd_print_document_get_page_size (PdPrintDocument *self,
                                 double          *width_mm,
                                 double          *height_mm)
{
  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));

  if (width_mm != NULL)
    *width_mm = papers[self->paper].width_mm;
  if (height_mm != NULL)
    *height_mm = self->page_height > 0 ? PT_TO_MM (self->page_height)
                                       : papers[self->paper].height_mm;
}

void
pd_print_document_draw_page (PdPrintDocument *self,
                             cairo_t         *cr,
                             guint            page_number)
{
  PangoContext *context;
  GArray *page;

  g_return_if_fail (PD_IS_PRINT_DOCUMENT (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page_number < self->pages->len);

  page = g_ptr_array_index (self->pages, page_number);
  context = create_pango_context (cr);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = 0; i < page->len; i++)
    {
      const Placement *placement = &g_array_index (page, Placement, i);

      do_block (self, cr, context, g_ptr_array_index (self->blocks, placement->block),
                placement->y, placement->qr_side);
    }
  cairo_restore (cr);
  g_object_unref (context);
}

gboolean
pd_print_document_measure (PdPrintDocument  *self,
                           GError          **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean done;

  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), FALSE);

  surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cr = cairo_create (surface);
  done = pd_print_document_paginate (self, cr, error);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return done;
}

gboolean
pd_print_document_write_pdf (PdPrintDocument  *self,
                             const char       *path,
                             GError          **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  double width = MM_TO_PT (papers[self->paper].width_mm);

  g_return_val_if_fail (PD_IS_PRINT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  surface = cairo_pdf_surface_create (path, width, MM_TO_PT (100));
  cr = cairo_create (surface);
  status = cairo_status (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    {
      if (self->title != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Passdesk");

      if (!pd_print_document_paginate (self, cr, error))
        {
          cairo_destroy (cr);
          cairo_surface_destroy (surface);
          g_unlink (path);
          return FALSE;
        }
      for (guint i = 0; i < self->pages->len; i++)
        {
          cairo_pdf_surface_set_size (surface, width, self->page_height);
          pd_print_document_draw_page (self, cr, i);
          cairo_show_page (cr);
        }
      status = cairo_status (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, PD_PRINT_ERROR, PD_PRINT_ERROR_IO,
                   _("Cannot write the PDF file “%s”: %s. Check that the folder exists and that you may write there."),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
