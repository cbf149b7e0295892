/* pd-head-guide.c: the standard photo's frame, head oval and eye line drawn over the live picture. */
#define G_LOG_DOMAIN "pd-head-guide"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pd-head-guide.h"

/* Of the picture's height, the part the outline of the photo takes: the applicant fills the
 * frame the way the crop will, with a margin for the camera's own framing. */
#define FRAME_HEIGHT 0.92
/* An adult head is about three quarters as wide as it is high (chin to crown). */
#define HEAD_WIDTH_RATIO 0.74

struct _PdHeadGuide
{
  GtkWidget       parent_instance;

  PdPhotoProfile *profile;
  int             frame_width;
  int             frame_height;
  gboolean        passed;
  gboolean        has_face;
  PdFace          face;
};

G_DEFINE_FINAL_TYPE (PdHeadGuide, pd_head_guide, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_PASSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
pd_head_guide_new (void)
{
  return g_object_new (PD_TYPE_HEAD_GUIDE, NULL);
}

PdPhotoProfile *
pd_head_guide_get_profile (PdHeadGuide *self)
{
  g_return_val_if_fail (PD_IS_HEAD_GUIDE (self), NULL);
  return self->profile;
}

void
pd_head_guide_set_profile (PdHeadGuide    *self,
                           PdPhotoProfile *profile)
{
  g_return_if_fail (PD_IS_HEAD_GUIDE (self));

  if (self->profile == profile)
    return;
  g_clear_pointer (&self->profile, pd_photo_profile_unref);
  if (profile != NULL)
    self->profile = pd_photo_profile_ref (profile);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

void
pd_head_guide_set_frame_size (PdHeadGuide *self,
                              int          width,
                              int          height)
{
  g_return_if_fail (PD_IS_HEAD_GUIDE (self));

  if (self->frame_width == width && self->frame_height == height)
    return;
  self->frame_width = width;
  self->frame_height = height;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pd_head_guide_set_face (PdHeadGuide  *self,
                        const PdFace *face)
{
  g_return_if_fail (PD_IS_HEAD_GUIDE (self));

  /* A still applicant gives the same landmarks report after report: no redraw then. */
  if (face == NULL ? !self->has_face : self->has_face && memcmp (&self->face, face, sizeof *face) == 0)
    return;
  self->has_face = face != NULL;
  if (face != NULL)
    self->face = *face;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
pd_head_guide_get_passed (PdHeadGuide *self)
{
  g_return_val_if_fail (PD_IS_HEAD_GUIDE (self), FALSE);
  return self->passed;
}

void
pd_head_guide_set_passed (PdHeadGuide *self,
                          gboolean     passed)
{
  g_return_if_fail (PD_IS_HEAD_GUIDE (self));

  passed = !!passed;
  if (self->passed == passed)
    return;
  self->passed = passed;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSED]);
}

static PdFacePoint
mean_point (const PdFace *face,
            guint         first,
            guint         last)
{
  PdFacePoint p = { 0, 0 };

  for (guint i = first; i <= last; i++)
    {
      p.x += face->points[i].x;
      p.y += face->points[i].y;
    }
  p.x /= last - first + 1;
  p.y /= last - first + 1;
  return p;
}

/* The standard frame in frame pixels: the midpoint of the eyes, the eye line's angle and the
 * photo's height. With a face, as the crop will place it (the head at the target height,
 * estimated from eyes and chin as the crop's fallback does); without, centred. */
static void
place_frame (PdHeadGuide *self,
             double      *eye_x,
             double      *eye_y,
             double      *angle,
             double      *photo_height)
{
  const PdPhotoProfile *p = self->profile;

  if (self->has_face)
    {
      PdFacePoint left = mean_point (&self->face, 36, 41);
      PdFacePoint right = mean_point (&self->face, 42, 47);
      const PdFacePoint *chin = &self->face.points[8];
      double ux, uy, length, eye_to_chin;

      *eye_x = (left.x + right.x) / 2;
      *eye_y = (left.y + right.y) / 2;
      ux = right.x - left.x;
      uy = right.y - left.y;
      length = hypot (ux, uy);
      if (length > 0)
        {
          ux /= length;
          uy /= length;
          *angle = atan2 (uy, ux);
          /* The chin's distance across the eye line. */
          eye_to_chin = -(chin->x - *eye_x) * uy + (chin->y - *eye_y) * ux;
          if (eye_to_chin > 0)
            {
              *photo_height = eye_to_chin * (1 + p->head.crown_from_eyes) / p->head.height_target;
              return;
            }
        }
    }

  *photo_height = self->frame_height * FRAME_HEIGHT;
  if (*photo_height * p->output.width_mm / p->output.height_mm > self->frame_width * FRAME_HEIGHT)
    *photo_height = self->frame_width * FRAME_HEIGHT * p->output.height_mm / p->output.width_mm;
  *eye_x = self->frame_width / 2.0;
  *eye_y = (self->frame_height - *photo_height) / 2 + *photo_height * (1 - p->head.eye_line_target);
  *angle = 0;
}

static void
pd_head_guide_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  PdHeadGuide *self = PD_HEAD_GUIDE (widget);
  const PdPhotoProfile *p = self->profile;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double scale, pic_x, pic_y, pic_w, pic_h;
  double eye_x, eye_y, angle, photo_h, photo_w, head, crown, chin, rx, ry;
  cairo_t *cr;

  if (p == NULL || self->frame_width <= 0 || self->frame_height <= 0 || width <= 0 || height <= 0)
    return;

  /* Where GtkPicture's "contain" fit puts the frame. */
  scale = MIN (width / self->frame_width, height / self->frame_height);
  pic_w = self->frame_width * scale;
  pic_h = self->frame_height * scale;
  pic_x = (width - pic_w) / 2;
  pic_y = (height - pic_h) / 2;

  place_frame (self, &eye_x, &eye_y, &angle, &photo_h);
  photo_w = photo_h * p->output.width_mm / p->output.height_mm;
  /* The crop's own proportions: crown and chin split around the eyes as crown_from_eyes says. */
  head = photo_h * p->head.height_target;
  crown = -head * p->head.crown_from_eyes / (1 + p->head.crown_from_eyes);
  chin = head / (1 + p->head.crown_from_eyes);
  ry = (chin - crown) / 2;
  rx = ry * HEAD_WIDTH_RATIO;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_rectangle (cr, pic_x, pic_y, pic_w, pic_h);
  cairo_clip (cr);
  cairo_translate (cr, pic_x, pic_y);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, eye_x, eye_y);
  cairo_rotate (cr, angle);

  /* What the crop cuts away is dimmed. */
  cairo_save (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_rectangle (cr, -100 * photo_w, -100 * photo_h, 200 * photo_w, 200 * photo_h);
  cairo_rectangle (cr, -photo_w / 2, -photo_h * (1 - p->head.eye_line_target), photo_w, photo_h);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_fill (cr);
  cairo_restore (cr);

  /* Line widths in widget pixels, whatever the picture's scale. */
  cairo_rectangle (cr, -photo_w / 2, -photo_h * (1 - p->head.eye_line_target), photo_w, photo_h);
  cairo_set_line_width (cr, 2 / scale);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.7);
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_translate (cr, 0, (crown + chin) / 2);
  cairo_scale (cr, rx, ry);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  /* Dark under light, so that the outline shows on the white background as on hair. */
  cairo_set_line_width (cr, 5 / scale);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 3 / scale);
  if (self->passed)
    cairo_set_source_rgb (cr, 0x26 / 255.0, 0xa2 / 255.0, 0x69 / 255.0);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);

  {
    const double dash[] = { 6 / scale, 6 / scale };

    cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
    cairo_set_line_width (cr, 2 / scale);
    cairo_set_source_rgba (cr, 1, 1, 1, 0.8);
    cairo_move_to (cr, -rx * 1.1, 0);
    cairo_line_to (cr, rx * 1.1, 0);
    cairo_stroke (cr);
  }
  cairo_destroy (cr);
}

static void
pd_head_guide_finalize (GObject *object)
{
  PdHeadGuide *self = PD_HEAD_GUIDE (object);

  g_clear_pointer (&self->profile, pd_photo_profile_unref);

  G_OBJECT_CLASS (pd_head_guide_parent_class)->finalize (object);
}

static void
pd_head_guide_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PdHeadGuide *self = PD_HEAD_GUIDE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    case PROP_PASSED:
      g_value_set_boolean (value, self->passed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_head_guide_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PdHeadGuide *self = PD_HEAD_GUIDE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      pd_head_guide_set_profile (self, g_value_get_boxed (value));
      break;
    case PROP_PASSED:
      pd_head_guide_set_passed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_head_guide_class_init (PdHeadGuideClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pd_head_guide_finalize;
  object_class->get_property = pd_head_guide_get_property;
  object_class->set_property = pd_head_guide_set_property;

  widget_class->snapshot = pd_head_guide_snapshot;

  properties[PROP_PROFILE] =
    g_param_spec_boxed ("profile", NULL, NULL, PD_TYPE_PHOTO_PROFILE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PASSED] =
    g_param_spec_boolean ("passed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "pd-head-guide");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
pd_head_guide_init (PdHeadGuide *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}
