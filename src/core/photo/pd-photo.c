/* pd-photo.c: the checks of the photo standard on one picture (pd_photo_analyze()).
 *
 * The face is found on a downscaled grey copy (HOG needs faces of about 80 px, and that is
 * where its time goes) and its landmarks are placed on the full picture. The geometric checks
 * use the landmarks; the photometric ones are measured in the standard frame rendered at a
 * fixed small size, so that sharpness and region sizes mean the same for a 640 × 480 preview
 * and a 12-megapixel still.
 */
#define G_LOG_DOMAIN "pd-photo"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-photo-private.h"

G_DEFINE_QUARK (pd-photo-error-quark, pd_photo_error)

#define RAD_TO_DEG (180.0 / G_PI)
/* Below this share of the analysis frame the background statistics mean nothing. */
#define BACKGROUND_VISIBLE_MIN 0.02
/* Luma spread under which a tile of the picture is plain: its sharpness means nothing. */
#define PICTURE_CONTRAST_MIN 6

/* ---- pixels ---- */

static guint8 *
to_gray (GdkPixbuf *image)
{
  int width = gdk_pixbuf_get_width (image);
  int height = gdk_pixbuf_get_height (image);
  int stride = gdk_pixbuf_get_rowstride (image);
  int channels = gdk_pixbuf_get_n_channels (image);
  const guint8 *pixels = gdk_pixbuf_read_pixels (image);
  guint8 *gray = g_malloc ((gsize) width * height);

  for (int y = 0; y < height; y++)
    {
      const guint8 *s = pixels + (gsize) y * stride;
      guint8 *d = gray + (gsize) y * width;

      for (int x = 0; x < width; x++, s += channels)
        d[x] = (guint8) ((77 * s[0] + 150 * s[1] + 29 * s[2] + 128) >> 8);
    }
  return gray;
}

/* A box-filtered copy @factor times smaller in each direction. */
static guint8 *
shrink_gray (const guint8 *gray,
             int           width,
             int           height,
             int           factor,
             int          *out_width,
             int          *out_height)
{
  int w = width / factor;
  int h = height / factor;
  guint8 *small = g_malloc ((gsize) MAX (w, 1) * MAX (h, 1));
  g_autofree guint32 *sums = g_new0 (guint32, MAX (w, 1));
  guint32 area = (guint32) factor * factor;

  for (int y = 0; y < h; y++)
    {
      memset (sums, 0, sizeof (guint32) * w);
      for (int dy = 0; dy < factor; dy++)
        {
          const guint8 *row = gray + (gsize) (y * factor + dy) * width;

          for (int x = 0; x < w; x++)
            for (int dx = 0; dx < factor; dx++)
              sums[x] += row[x * factor + dx];
        }
      for (int x = 0; x < w; x++)
        small[(gsize) y * w + x] = (guint8) ((sums[x] + area / 2) / area);
    }
  *out_width = w;
  *out_height = h;
  return small;
}

static guint8 *
double_gray (const guint8 *gray,
             int           width,
             int           height)
{
  int w = width * 2;
  guint8 *big = g_malloc ((gsize) w * height * 2);

  for (int y = 0; y < height * 2; y++)
    {
      const guint8 *r0 = gray + (gsize) (y / 2) * width;
      const guint8 *r1 = gray + (gsize) MIN (y / 2 + (y & 1), height - 1) * width;
      guint8 *d = big + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          int x0 = x / 2;
          int x1 = MIN (x0 + (x & 1), width - 1);

          d[x] = (guint8) ((r0[x0] + r0[x1] + r1[x0] + r1[x1] + 2) / 4);
        }
    }
  return big;
}

void
pd_photo_render_frame (GdkPixbuf          *image,
                       const PdPhotoFrame *frame,
                       guint8             *rgb,
                       guint8             *valid)
{
  int width = gdk_pixbuf_get_width (image);
  int height = gdk_pixbuf_get_height (image);
  int stride = gdk_pixbuf_get_rowstride (image);
  int channels = gdk_pixbuf_get_n_channels (image);
  const guint8 *pixels = gdk_pixbuf_read_pixels (image);
  int out_w = (int) frame->width;
  int out_h = (int) frame->height;
  int factor = frame->scale >= 2 ? (int) floor (frame->scale) : 1;
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  g_autofree guint8 *reduced = NULL;
  const guint8 *src;
  int x0, y0, rw, rh, src_stride, src_channels;

  for (int corner = 0; corner < 4; corner++)
    {
      double x, y;

      pd_photo_frame_to_source (frame, (corner & 1) ? out_w : 0, (corner & 2) ? out_h : 0, &x, &y);
      min_x = MIN (min_x, x);
      max_x = MAX (max_x, x);
      min_y = MIN (min_y, y);
      max_y = MAX (max_y, y);
    }
  /* Only the part of the picture under the frame is reduced. */
  x0 = CLAMP ((int) floor (min_x) - factor, 0, width - 1);
  y0 = CLAMP ((int) floor (min_y) - factor, 0, height - 1);
  x0 -= x0 % factor;
  y0 -= y0 % factor;
  rw = MAX (1, (CLAMP ((int) ceil (max_x) + factor, 1, width) - x0) / factor);
  rh = MAX (1, (CLAMP ((int) ceil (max_y) + factor, 1, height) - y0) / factor);

  if (factor > 1)
    {
      g_autofree guint32 *sums = g_new0 (guint32, (gsize) rw * 3);
      guint32 area = (guint32) factor * factor;

      reduced = g_malloc ((gsize) rw * rh * 3);
      for (int y = 0; y < rh; y++)
        {
          memset (sums, 0, sizeof (guint32) * rw * 3);
          for (int dy = 0; dy < factor; dy++)
            {
              const guint8 *row = pixels + (gsize) MIN (y0 + y * factor + dy, height - 1) * stride;

              for (int x = 0; x < rw; x++)
                for (int dx = 0; dx < factor; dx++)
                  {
                    const guint8 *p = row + (gsize) MIN (x0 + x * factor + dx, width - 1) * channels;

                    sums[x * 3] += p[0];
                    sums[x * 3 + 1] += p[1];
                    sums[x * 3 + 2] += p[2];
                  }
            }
          for (int i = 0; i < rw * 3; i++)
            reduced[(gsize) y * rw * 3 + i] = (guint8) ((sums[i] + area / 2) / area);
        }
      src = reduced;
      src_stride = rw * 3;
      src_channels = 3;
    }
  else
    {
      x0 = y0 = 0;
      rw = width;
      rh = height;
      src = pixels;
      src_stride = stride;
      src_channels = channels;
    }

  for (int v = 0; v < out_h; v++)
    for (int u = 0; u < out_w; u++)
      {
        double x, y, fx, fy;
        int ix, iy, ix1, iy1;
        guint8 *d = rgb + ((gsize) v * out_w + u) * 3;

        pd_photo_frame_to_source (frame, u + 0.5, v + 0.5, &x, &y);
        if (valid != NULL)
          valid[(gsize) v * out_w + u] = x >= 0 && y >= 0 && x <= width && y <= height;

        fx = (x - x0) / factor - 0.5;
        fy = (y - y0) / factor - 0.5;
        fx = CLAMP (fx, 0, rw - 1);
        fy = CLAMP (fy, 0, rh - 1);
        ix = (int) fx;
        iy = (int) fy;
        ix1 = MIN (ix + 1, rw - 1);
        iy1 = MIN (iy + 1, rh - 1);
        fx -= ix;
        fy -= iy;
        for (int c = 0; c < 3; c++)
          {
            double top = src[(gsize) iy * src_stride + ix * src_channels + c] * (1 - fx) +
                         src[(gsize) iy * src_stride + ix1 * src_channels + c] * fx;
            double bottom = src[(gsize) iy1 * src_stride + ix * src_channels + c] * (1 - fx) +
                            src[(gsize) iy1 * src_stride + ix1 * src_channels + c] * fx;

            d[c] = (guint8) CLAMP (top * (1 - fy) + bottom * fy + 0.5, 0, 255);
          }
      }
}

/* ---- colour ---- */

static float srgb_to_linear[256];

static void
init_colour_tables (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      for (int i = 0; i < 256; i++)
        {
          double c = i / 255.0;

          srgb_to_linear[i] = (float) (c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4));
        }
      g_once_init_leave (&done, 1);
    }
}

static double
lab_f (double t)
{
  return t > 0.008856 ? cbrt (t) : 7.787 * t + 16.0 / 116.0;
}

/* CIELAB a* and b* (D65) of an sRGB pixel. */
static void
rgb_to_ab (const guint8 *p,
           double       *a,
           double       *b)
{
  double r = srgb_to_linear[p[0]], g = srgb_to_linear[p[1]], bl = srgb_to_linear[p[2]];
  double fx = lab_f ((0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047);
  double fy = lab_f (0.2126 * r + 0.7152 * g + 0.0722 * bl);
  double fz = lab_f ((0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883);

  *a = 500 * (fx - fy);
  *b = 200 * (fy - fz);
}

static inline double
luma (const guint8 *p)
{
  return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
}

/* ---- the report ---- */

static PdPhotoCheck *
add_check (PdPhotoReport *report,
           const char    *id,
           gboolean       passed,
           double         value,
           double         limit_min,
           double         limit_max,
           const char    *unit,
           const char    *message)
{
  PdPhotoCheck check = {
    .id = id,
    .passed = passed,
    .value = value,
    .limit_min = limit_min,
    .limit_max = limit_max,
    .unit = unit,
    .message = g_strdup (message),
    .measured = TRUE,
  };

  g_array_append_val (report->checks, check);
  return &g_array_index (report->checks, PdPhotoCheck, report->checks->len - 1);
}

/* A check of one face when there is no single face to measure. */
static void
add_unmeasured (PdPhotoReport *report,
                const char    *id,
                const char    *unit)
{
  PdPhotoCheck *check = add_check (report, id, FALSE, NAN, NAN, NAN, unit,
                                   _("Not measured: this check needs exactly one face in the picture."));

  check->measured = FALSE;
}

static void
clear_check (gpointer data)
{
  PdPhotoCheck *check = data;

  g_free (check->message);
}

static double
distance (PdFacePoint a,
          PdFacePoint b)
{
  return hypot (a.x - b.x, a.y - b.y);
}

static PdFacePoint
mean_point (const PdFace *face,
            int           first,
            int           last)
{
  PdFacePoint m = { 0, 0 };

  for (int i = first; i <= last; i++)
    {
      m.x += face->points[i].x;
      m.y += face->points[i].y;
    }
  m.x /= last - first + 1;
  m.y /= last - first + 1;
  return m;
}

/* Soukupová and Čech's eye aspect ratio over the six points of one eye. */
static double
eye_aspect (const PdFace *face,
            int           first)
{
  const PdFacePoint *p = face->points + first;
  double width = distance (p[0], p[3]);

  return width > 0 ? (distance (p[1], p[5]) + distance (p[2], p[4])) / (2 * width) : 0;
}

PdPhotoFrame
pd_photo_frame_for_size (const PdPhotoReport *report,
                         PdPhotoProfile      *profile,
                         double               width,
                         double               height)
{
  const PdFace *face = &report->face;
  PdFacePoint left = mean_point (face, 36, 41);
  PdFacePoint right = mean_point (face, 42, 47);
  double length = MAX (distance (left, right), 1e-6);
  PdPhotoFrame frame = {
    .ex = (left.x + right.x) / 2,
    .ey = (left.y + right.y) / 2,
    .ux = (right.x - left.x) / length,
    .uy = (right.y - left.y) / length,
    .width = width,
    .height = height,
    .eye_u = width / 2,
    .eye_v = height * (1 - profile->head.eye_line_target),
  };

  frame.scale = report->head_height / profile->head.height_target / height;
  return frame;
}

PdPhotoHeadShape
pd_photo_head_shape (const PdPhotoReport *report,
                     PdPhotoProfile      *profile,
                     const PdPhotoFrame  *frame)
{
  const PdFace *face = &report->face;
  double k = profile->head.crown_from_eyes;
  double jaw_l_u, jaw_r_u, chin_u, chin_v, unused;
  PdPhotoHeadShape shape;
  double eye_to_chin, crown_v;

  pd_photo_frame_from_source (frame, face->points[0].x, face->points[0].y, &jaw_l_u, &unused);
  pd_photo_frame_from_source (frame, face->points[16].x, face->points[16].y, &jaw_r_u, &unused);
  pd_photo_frame_from_source (frame, face->points[8].x, face->points[8].y, &chin_u, &chin_v);
  eye_to_chin = chin_v - frame->eye_v;
  crown_v = frame->eye_v - k * eye_to_chin;

  /* Hair stands out beyond the jaw points and above the crown estimate. */
  shape.cx = (jaw_l_u + jaw_r_u) / 2;
  shape.cy = (crown_v + chin_v) / 2;
  shape.rx = 0.5 * fabs (jaw_r_u - jaw_l_u) * 1.6;
  shape.ry = 0.5 * (chin_v - crown_v) * 1.25;
  shape.chin_v = chin_v;
  return shape;
}

/* ---- the checks ---- */

static void
check_single_face (PdPhotoReport *report)
{
  g_autofree char *message = NULL;

  if (report->face_count == 1)
    message = g_strdup (_("One face is visible."));
  else if (report->face_count == 0)
    message = g_strdup (_("No face was found. Look straight at the camera with your whole face "
                          "uncovered and well lit."));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u face was found: only the applicant may be in the photo.",
                                            "%u faces were found: only the applicant may be in the photo. "
                                            "Ask everyone else to step out of the picture.",
                                            report->face_count),
                               report->face_count);
  add_check (report, PD_PHOTO_CHECK_SINGLE_FACE, report->face_count == 1,
             report->face_count, 1, 1, "faces", message);
}

static void
check_framing_capture (PdPhotoReport  *report,
                       PdPhotoProfile *profile,
                       int             width,
                       int             height)
{
  PdPhotoFrame frame = pd_photo_frame_for_size (report, profile, profile->output.width_px,
                                                profile->output.height_px);
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  double frame_height_px = report->head_height / profile->head.height_target;
  double tolerance = 0.01 * frame_height_px;
  double head_ratio = report->head_height / height;
  double fit, max_head_ratio, overflow[4], worst = 0;
  int worst_side = -1;
  gboolean fits;

  for (int corner = 0; corner < 4; corner++)
    {
      double x, y;

      pd_photo_frame_to_source (&frame, (corner & 1) ? frame.width : 0,
                                (corner & 2) ? frame.height : 0, &x, &y);
      min_x = MIN (min_x, x);
      max_x = MAX (max_x, x);
      min_y = MIN (min_y, y);
      max_y = MAX (max_y, y);
    }

  if (report->mode == PD_PHOTO_MODE_CAPTURE)
    {
      double needed = profile->output.height_px * profile->capture.source_scale_min;
      g_autofree char *message = NULL;

      if (frame_height_px >= needed)
        message = g_strdup (_("The picture has enough pixels for a sharp print."));
      else
        message = g_strdup (_("The face has too few pixels for a sharp print. Move closer to the "
                              "camera, or set the camera to its full resolution."));
      add_check (report, PD_PHOTO_CHECK_RESOLUTION, frame_height_px >= needed,
                 round (frame_height_px), needed, NAN, "px", message);
    }

  /* How much larger the head could be for the standard frame still to fit in the picture. */
  fit = MIN ((height + 2 * tolerance) / (max_y - min_y), (width + 2 * tolerance) / (max_x - min_x));
  max_head_ratio = head_ratio * fit;
  fits = fit >= 1;
  if (head_ratio < profile->capture.head_frame_min)
    add_check (report, PD_PHOTO_CHECK_HEAD_SIZE, FALSE, head_ratio,
               profile->capture.head_frame_min, max_head_ratio, "ratio",
               _("The head is too small in the picture. Move closer to the camera."));
  else if (!fits)
    add_check (report, PD_PHOTO_CHECK_HEAD_SIZE, FALSE, head_ratio,
               profile->capture.head_frame_min, max_head_ratio, "ratio",
               _("The head is too close: the photo needs space above the head and the shoulders. "
                 "Move back from the camera."));
  else
    add_check (report, PD_PHOTO_CHECK_HEAD_SIZE, TRUE, head_ratio,
               profile->capture.head_frame_min, max_head_ratio, "ratio",
               _("The head has the right size in the picture."));

  overflow[0] = -min_x;           /* past the image's left: the person's right */
  overflow[1] = max_x - width;
  overflow[2] = -min_y;
  overflow[3] = max_y - height;
  for (int side = 0; side < 4; side++)
    if (overflow[side] > tolerance && overflow[side] > worst)
      {
        worst = overflow[side];
        worst_side = side;
      }

  if (!fits || worst_side < 0)
    add_check (report, PD_PHOTO_CHECK_HEAD_POSITION, fits, worst / frame_height_px, NAN, 0.01,
               "ratio", fits ? _("The head is well placed in the picture.")
                             : _("Move back from the camera first, then centre the face."));
  else
    {
      static const char *const messages[] = {
        N_("The face is too close to the edge of the picture. Move slightly to your left."),
        N_("The face is too close to the edge of the picture. Move slightly to your right."),
        N_("There is not enough space above the head. Raise the camera a little, or sit lower."),
        N_("The chin and shoulders are cut off. Lower the camera a little, or sit up straight."),
      };

      add_check (report, PD_PHOTO_CHECK_HEAD_POSITION, FALSE, worst / frame_height_px, NAN, 0.01,
                 "ratio", _(messages[worst_side]));
    }
}

static void
check_framing_final (PdPhotoReport  *report,
                     PdPhotoProfile *profile,
                     int             width,
                     int             height)
{
  const PdFace *face = &report->face;
  PdFacePoint left = mean_point (face, 36, 41);
  PdFacePoint right = mean_point (face, 42, 47);
  double wanted_aspect = profile->output.width_px / profile->output.height_px;
  double aspect = (double) width / height;
  double eye_distance = distance (left, right) * profile->output.height_px / height;
  double head_ratio = report->head_height / height;
  double offset = ((left.x + right.x) / 2 - width / 2.0) / width;
  double eye_line = (height - (left.y + right.y) / 2) / height;
  const char *message;

  if (fabs (aspect / wanted_aspect - 1) > 0.02)
    add_check (report, PD_PHOTO_CHECK_RESOLUTION, FALSE, aspect, wanted_aspect, wanted_aspect,
               "ratio", _("The photo does not have the proportions of the standard size. "
                          "Let Passdesk crop the photo."));
  else if (height < profile->output.height_px - 1 || eye_distance < profile->head.eye_distance_min_px)
    add_check (report, PD_PHOTO_CHECK_RESOLUTION, FALSE, height, profile->output.height_px, NAN,
               "px", _("The photo has too few pixels for a sharp print. Take it again with the "
                       "camera set to its full resolution."));
  else
    add_check (report, PD_PHOTO_CHECK_RESOLUTION, TRUE, height, profile->output.height_px, NAN,
               "px", _("The photo has enough pixels for a sharp print."));

  if (head_ratio < profile->head.height_min)
    message = _("The head is too small in the photo. Move closer to the camera, or let Passdesk crop the photo.");
  else if (head_ratio > profile->head.height_max)
    message = _("The head is too large in the photo. Move back from the camera, or let Passdesk crop the photo.");
  else
    message = _("The head has the right size in the photo.");
  add_check (report, PD_PHOTO_CHECK_HEAD_SIZE,
             head_ratio >= profile->head.height_min && head_ratio <= profile->head.height_max,
             head_ratio, profile->head.height_min, profile->head.height_max, "ratio", message);

  if (fabs (offset) > profile->head.centre_tolerance)
    add_check (report, PD_PHOTO_CHECK_HEAD_POSITION, FALSE, offset, -profile->head.centre_tolerance,
               profile->head.centre_tolerance, "ratio",
               offset < 0 ? _("The face is not in the centre of the photo. Move slightly to your left.")
                          : _("The face is not in the centre of the photo. Move slightly to your right."));
  else if (eye_line < profile->head.eye_line_min || eye_line > profile->head.eye_line_max)
    add_check (report, PD_PHOTO_CHECK_HEAD_POSITION, FALSE, eye_line, profile->head.eye_line_min,
               profile->head.eye_line_max, "ratio",
               eye_line < profile->head.eye_line_min
               ? _("The eyes are too low in the photo. Lower the camera a little, or let Passdesk crop the photo.")
               : _("The eyes are too high in the photo. Raise the camera a little, or let Passdesk crop the photo."));
  else
    add_check (report, PD_PHOTO_CHECK_HEAD_POSITION, TRUE, eye_line, profile->head.eye_line_min,
               profile->head.eye_line_max, "ratio", _("The head is well placed in the photo."));
}

static void
check_pose_and_expression (PdPhotoReport  *report,
                           PdPhotoProfile *profile,
                           int             width,
                           int             height)
{
  const PdFace *face = &report->face;
  const PdFacePoint *p = face->points;
  double yaw, pitch, roll, eye_aspect_min, mouth_gap;
  PdFacePose pose;
  const char *message;

  if (!pd_face_estimate_pose (face, width, height, &pose))
    {
      add_unmeasured (report, PD_PHOTO_CHECK_ROLL, "deg");
      add_unmeasured (report, PD_PHOTO_CHECK_YAW, "deg");
      add_unmeasured (report, PD_PHOTO_CHECK_PITCH, "deg");
    }
  else
    {
      roll = pose.roll;
      yaw = pose.yaw;
      /* A level head seen by a camera at eye height fits the generic face with its chin a
       * little down: the profile's neutral pitch takes that bias out. */
      pitch = pose.pitch - profile->pose.pitch_neutral_deg;

      /* Positive roll: the image's right eye (the person's left) is lower. */
      if (fabs (roll) > profile->pose.roll_max_deg)
        message = roll > 0 ? _("Tilt your head slightly to the right: keep both eyes level.")
                           : _("Tilt your head slightly to the left: keep both eyes level.");
      else
        message = _("The eyes are level.");
      add_check (report, PD_PHOTO_CHECK_ROLL, fabs (roll) <= profile->pose.roll_max_deg, roll,
                 -profile->pose.roll_max_deg, profile->pose.roll_max_deg, "deg", message);

      /* Positive yaw: the nose turned to the image's right, the person to their left. */
      if (fabs (yaw) > profile->pose.yaw_max_deg)
        message = yaw > 0 ? _("Turn your head slightly to the right and look straight at the camera.")
                          : _("Turn your head slightly to the left and look straight at the camera.");
      else
        message = _("The face looks straight at the camera.");
      add_check (report, PD_PHOTO_CHECK_YAW, fabs (yaw) <= profile->pose.yaw_max_deg, yaw,
                 -profile->pose.yaw_max_deg, profile->pose.yaw_max_deg, "deg", message);

      if (fabs (pitch) > profile->pose.pitch_max_deg)
        message = pitch > 0 ? _("Raise your chin slightly and look straight at the camera.")
                            : _("Lower your chin slightly and look straight at the camera.");
      else
        message = _("The head is neither raised nor lowered.");
      add_check (report, PD_PHOTO_CHECK_PITCH, fabs (pitch) <= profile->pose.pitch_max_deg, pitch,
                 -profile->pose.pitch_max_deg, profile->pose.pitch_max_deg, "deg", message);
    }

  eye_aspect_min = MIN (eye_aspect (face, 36), eye_aspect (face, 42));
  add_check (report, PD_PHOTO_CHECK_EYES_OPEN, eye_aspect_min >= profile->expression.eye_aspect_min,
             eye_aspect_min, profile->expression.eye_aspect_min, NAN, "ratio",
             eye_aspect_min >= profile->expression.eye_aspect_min
             ? _("Both eyes are open.")
             : _("Open both eyes and look at the camera. Hair must not cover the eyes."));

  mouth_gap = (distance (p[61], p[67]) + distance (p[62], p[66]) + distance (p[63], p[65])) /
              (3 * MAX (distance (p[48], p[54]), 1e-6));
  add_check (report, PD_PHOTO_CHECK_MOUTH_CLOSED, mouth_gap <= profile->expression.mouth_gap_max,
             mouth_gap, NAN, profile->expression.mouth_gap_max, "ratio",
             mouth_gap <= profile->expression.mouth_gap_max
             ? _("The mouth is closed.")
             : _("Close your mouth and keep a neutral face, without a smile that shows the teeth."));
}

typedef struct {
  double sum;
  double a_sum, b_sum;
  guint  clipped;
  guint  n;
} Stats;

static void
stats_add (Stats        *s,
           const guint8 *p,
           gboolean      with_colour)
{
  double y = luma (p);

  s->sum += y;
  s->n++;
  if (y <= 5 || y >= 250)
    s->clipped++;
  if (with_colour)
    {
      double a, b;

      rgb_to_ab (p, &a, &b);
      s->a_sum += a;
      s->b_sum += b;
    }
}

static double
stats_mean (const Stats *s)
{
  return s->n ? s->sum / s->n : 0;
}

/* A rectangle of the analysis frame between two landmarks' coordinates. */
typedef struct {
  int u0, v0, u1, v1;
} Box;

static Box
box_clamp (double u0,
           double v0,
           double u1,
           double v1,
           int    width,
           int    height)
{
  Box box = {
    CLAMP ((int) floor (MIN (u0, u1)), 0, width),
    CLAMP ((int) floor (MIN (v0, v1)), 0, height),
    CLAMP ((int) ceil (MAX (u0, u1)), 0, width),
    CLAMP ((int) ceil (MAX (v0, v1)), 0, height),
  };
  return box;
}

static void
stats_box (Stats        *s,
           const guint8 *rgb,
           const guint8 *valid,
           int           width,
           Box           box,
           gboolean      with_colour)
{
  for (int v = box.v0; v < box.v1; v++)
    for (int u = box.u0; u < box.u1; u++)
      if (valid[(gsize) v * width + u])
        stats_add (s, rgb + ((gsize) v * width + u) * 3, with_colour);
}

static double
histogram_quantile (const guint *histogram,
                    guint        total,
                    double       quantile)
{
  guint64 seen = 0;

  for (int i = 0; i < 256; i++)
    {
      seen += histogram[i];
      if (seen > quantile * total)
        return i;
    }
  return 255;
}

/* The strongest horizontal edge in @box: the mean, along each row, of the luma's vertical
 * difference over two rows, then the largest row, in percent of @face_luma. A frame of glasses
 * draws a line across the nose bridge and along the rims under the eyes; skin there is smooth
 * and its shading changes slowly. */
static double
row_edge (const guint8 *rgb,
          int           width,
          int           height,
          Box           box,
          double        face_luma)
{
  double best = 0;

  for (int v = MAX (box.v0, 1); v < MIN (box.v1, height - 1); v++)
    {
      double sum = 0;
      int n = 0;

      for (int u = box.u0; u < box.u1; u++, n++)
        sum += fabs (luma (rgb + ((gsize) (v + 1) * width + u) * 3) -
                     luma (rgb + ((gsize) (v - 1) * width + u) * 3));
      if (n > 0)
        best = MAX (best, 100 * sum / n / MAX (face_luma, 1));
    }
  return best;
}

static void
check_glasses (PdPhotoReport      *report,
               PdPhotoProfile     *profile,
               const guint8       *rgb,
               int                 width,
               int                 height,
               const PdFacePoint  *q,
               double              face_luma)
{
  double eye_gap = q[42].x - q[39].x;
  double eye_height = MAX (q[41].y - q[37].y, MAX (q[47].y - q[43].y, 1));
  double bridge, rim_left, rim_right, rim;
  gboolean passed;
  Box box;

  /* Across the bridge: the middle half between the inner eye corners, from the brows' lower
   * edge down to the nose's upper third. */
  box = box_clamp (q[39].x + 0.25 * eye_gap, MIN (q[21].y, q[22].y) + eye_height,
                   q[42].x - 0.25 * eye_gap, q[29].y, width, height);
  bridge = row_edge (rgb, width, height, box, face_luma);
  /* Under each eye, where the lower rim runs: below the lower lid by one eye height, to three. */
  box = box_clamp (q[36].x, MAX (q[40].y, q[41].y) + 1.0 * eye_height,
                   q[39].x, MAX (q[40].y, q[41].y) + 3.5 * eye_height, width, height);
  rim_left = row_edge (rgb, width, height, box, face_luma);
  box = box_clamp (q[42].x, MAX (q[46].y, q[47].y) + 1.0 * eye_height,
                   q[45].x, MAX (q[46].y, q[47].y) + 3.5 * eye_height, width, height);
  rim_right = row_edge (rgb, width, height, box, face_luma);
  /* A rim shows under both eyes; a shadow or a wrinkle under one. */
  rim = MIN (rim_left, rim_right);

  passed = bridge <= profile->glasses.bridge_edge_max && rim <= profile->glasses.rim_edge_max;
  if (bridge / profile->glasses.bridge_edge_max >= rim / profile->glasses.rim_edge_max)
    add_check (report, PD_PHOTO_CHECK_GLASSES, passed, bridge, NAN, profile->glasses.bridge_edge_max,
               "", passed ? _("No glasses are seen.")
                          : _("Take off your glasses: the passport photo must show the eyes without them."));
  else
    add_check (report, PD_PHOTO_CHECK_GLASSES, passed, rim, NAN, profile->glasses.rim_edge_max,
               "", passed ? _("No glasses are seen.")
                          : _("Take off your glasses: the passport photo must show the eyes without them."));
}

static void
check_photometry (PdPhotoReport  *report,
                  PdPhotoProfile *profile,
                  GdkPixbuf      *image)
{
  int height = (int) profile->capture.analysis_height_px;
  int width = (int) round (height * profile->output.width_px / profile->output.height_px);
  PdPhotoFrame frame = pd_photo_frame_for_size (report, profile, width, height);
  PdPhotoHeadShape head = pd_photo_head_shape (report, profile, &frame);
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);
  g_autofree guint8 *valid = g_malloc ((gsize) width * height);
  PdFacePoint q[PD_FACE_N_POINTS];
  Stats background = { 0 }, skin = { 0 }, cheek_left = { 0 }, cheek_right = { 0 };
  guint luma_hist[256] = { 0 }, chroma_hist[256] = { 0 }, rgb_hist[3][256] = { { 0 } };
  double lap_sum = 0, lap_sum2 = 0, lap_n = 0, face_sum = 0;
  double bg_visible, bg_mean, bg_std, bg_chroma, face_mean, clipped, cheek_ratio, chroma, hue, sharpness;
  gboolean passed;
  const char *message;
  Box box;

  init_colour_tables ();
  pd_photo_render_frame (image, &frame, rgb, valid);
  for (int i = 0; i < PD_FACE_N_POINTS; i++)
    pd_photo_frame_from_source (&frame, report->face.points[i].x, report->face.points[i].y,
                                &q[i].x, &q[i].y);

  /* Background: above the eye line (lower down the shoulders begin) and outside the head with
   * its hair. Medians and the interquartile range, so that a lock of hair past the ellipse
   * does not make a white wall fail. */
  for (int v = 0; v < height && v < frame.eye_v; v++)
    for (int u = 0; u < width; u++)
      {
        double du = (u + 0.5 - head.cx) / head.rx, dv = (v + 0.5 - head.cy) / head.ry;
        const guint8 *p = rgb + ((gsize) v * width + u) * 3;
        double a, b;

        if (du * du + dv * dv <= 1 || !valid[(gsize) v * width + u])
          continue;
        stats_add (&background, p, FALSE);
        rgb_to_ab (p, &a, &b);
        luma_hist[(int) CLAMP (luma (p) + 0.5, 0, 255)]++;
        chroma_hist[(int) CLAMP (hypot (a, b) * 2, 0, 255)]++;
        for (int c = 0; c < 3; c++)
          rgb_hist[c][p[c]]++;
      }
  bg_mean = histogram_quantile (luma_hist, background.n, 0.5);
  /* For a normal distribution the interquartile range is 1.35 standard deviations. */
  bg_std = (histogram_quantile (luma_hist, background.n, 0.75) -
            histogram_quantile (luma_hist, background.n, 0.25)) / 1.35;
  bg_chroma = histogram_quantile (chroma_hist, background.n, 0.5) / 2;
  bg_visible = (double) background.n / (width * height);
  if (bg_visible < BACKGROUND_VISIBLE_MIN)
    {
      passed = FALSE;
      message = _("Too little background is visible to check it. Move back from the camera.");
    }
  else if (bg_mean < profile->background.luma_min || bg_chroma > profile->background.chroma_max)
    {
      passed = FALSE;
      message = _("The background is not white. Stand in front of the white wall.");
    }
  else if (bg_std > profile->background.luma_std_max)
    {
      passed = FALSE;
      message = _("The background is not plain: it has objects, patterns or shadows. Stand in front "
                  "of the white wall, a little away from it.");
    }
  else
    {
      passed = TRUE;
      message = _("The background is plain white.");
    }
  report->background_passed = passed;
  for (int c = 0; c < 3 && background.n; c++)
    report->background_rgb[c] = histogram_quantile (rgb_hist[c], background.n, 0.5);
  /* The value reported is the measure that failed, or the brightness when all passed. */
  if (bg_visible < BACKGROUND_VISIBLE_MIN)
    add_check (report, PD_PHOTO_CHECK_BACKGROUND, FALSE, bg_visible, BACKGROUND_VISIBLE_MIN, NAN,
               "ratio", message);
  else if (!passed && bg_mean >= profile->background.luma_min && bg_chroma > profile->background.chroma_max)
    add_check (report, PD_PHOTO_CHECK_BACKGROUND, FALSE, bg_chroma, NAN,
               profile->background.chroma_max, "chroma", message);
  else if (!passed && bg_mean >= profile->background.luma_min)
    add_check (report, PD_PHOTO_CHECK_BACKGROUND, FALSE, bg_std, NAN,
               profile->background.luma_std_max, "luma", message);
  else
    add_check (report, PD_PHOTO_CHECK_BACKGROUND, passed, bg_mean, profile->background.luma_min,
               NAN, "luma", message);

  /* Skin: the band of cheeks and nose between the outer eye corners, from the eyes to the mouth. */
  box = box_clamp (q[36].x, (q[28].y + q[29].y) / 2, q[45].x, q[33].y, width, height);
  stats_box (&skin, rgb, valid, width, box, TRUE);
  face_mean = stats_mean (&skin);
  clipped = skin.n ? (double) skin.clipped / skin.n : 1;
  if (face_mean < profile->exposure.face_luma_min)
    add_check (report, PD_PHOTO_CHECK_EXPOSURE, FALSE, face_mean, profile->exposure.face_luma_min,
               profile->exposure.face_luma_max, "luma",
               _("The face is too dark. Add light in front of the face, or turn towards the window."));
  else if (face_mean > profile->exposure.face_luma_max)
    add_check (report, PD_PHOTO_CHECK_EXPOSURE, FALSE, face_mean, profile->exposure.face_luma_min,
               profile->exposure.face_luma_max, "luma",
               _("The face is too bright. Dim the light or move the lamp further away."));
  else if (clipped > profile->exposure.clipped_max)
    add_check (report, PD_PHOTO_CHECK_EXPOSURE, FALSE, clipped, NAN, profile->exposure.clipped_max,
               "ratio", _("Parts of the face are burnt out or black. Use softer, even light on the face."));
  else
    add_check (report, PD_PHOTO_CHECK_EXPOSURE, TRUE, face_mean, profile->exposure.face_luma_min,
               profile->exposure.face_luma_max, "luma", _("The face is neither too dark nor too bright."));

  /* Lighting: the cheeks under each eye, beside the nose. */
  box = box_clamp (q[36].x, q[29].y, q[31].x - 0.1 * (q[31].x - q[36].x), q[33].y, width, height);
  stats_box (&cheek_left, rgb, valid, width, box, FALSE);
  box = box_clamp (q[35].x + 0.1 * (q[45].x - q[35].x), q[29].y, q[45].x, q[33].y, width, height);
  stats_box (&cheek_right, rgb, valid, width, box, FALSE);
  cheek_ratio = MIN (stats_mean (&cheek_left), stats_mean (&cheek_right)) /
                MAX (MAX (stats_mean (&cheek_left), stats_mean (&cheek_right)), 1);
  if (cheek_ratio >= profile->lighting.cheek_ratio_min)
    message = _("The face is evenly lit.");
  else if (stats_mean (&cheek_left) < stats_mean (&cheek_right))
    /* The image's left cheek is the person's right. */
    message = _("Your right cheek is in shadow. Light the face evenly from the front.");
  else
    message = _("Your left cheek is in shadow. Light the face evenly from the front.");
  add_check (report, PD_PHOTO_CHECK_LIGHTING, cheek_ratio >= profile->lighting.cheek_ratio_min,
             cheek_ratio, profile->lighting.cheek_ratio_min, NAN, "ratio", message);

  /* Sharpness: the spread of the Laplacian over the eyes, nose and mouth, in percent of the
   * face's brightness, so that a dark but sharp face is not called blurred. */
  box = box_clamp (q[36].x, MIN (q[19].y, q[24].y), q[45].x, q[57].y, width, height);
  for (int v = MAX (box.v0, 1); v < MIN (box.v1, height - 1); v++)
    for (int u = MAX (box.u0, 1); u < MIN (box.u1, width - 1); u++)
      {
        const guint8 *c = rgb + ((gsize) v * width + u) * 3;
        double lap = 4 * luma (c) - luma (c - 3) - luma (c + 3) -
                     luma (c - (gsize) width * 3) - luma (c + (gsize) width * 3);

        lap_sum += lap;
        lap_sum2 += lap * lap;
        face_sum += luma (c);
        lap_n++;
      }
  sharpness = lap_n > 0
              ? 100 * sqrt (MAX (lap_sum2 / lap_n - (lap_sum / lap_n) * (lap_sum / lap_n), 0)) /
                MAX (face_sum / lap_n, 1)
              : 0;
  add_check (report, PD_PHOTO_CHECK_SHARPNESS, sharpness >= profile->sharpness.laplacian_percent_min,
             sharpness, profile->sharpness.laplacian_percent_min, NAN, "",
             sharpness >= profile->sharpness.laplacian_percent_min
             ? _("The face is sharp.")
             : _("The photo is blurred. Hold still, clean the lens and let the camera focus on the face."));

  /* Natural colour: skin has a clear orange-red hue in CIELAB; grey or a cast does not. */
  chroma = skin.n ? hypot (skin.a_sum / skin.n, skin.b_sum / skin.n) : 0;
  hue = skin.n ? atan2 (skin.b_sum / skin.n, skin.a_sum / skin.n) * RAD_TO_DEG : 0;
  if (chroma < profile->color.face_chroma_min)
    add_check (report, PD_PHOTO_CHECK_NATURAL_COLOR, FALSE, chroma, profile->color.face_chroma_min,
               NAN, "chroma", _("The photo has no colour. Take it in colour, with the camera's colour mode on."));
  else if (hue < profile->color.face_hue_min_deg || hue > profile->color.face_hue_max_deg)
    add_check (report, PD_PHOTO_CHECK_NATURAL_COLOR, FALSE, hue, profile->color.face_hue_min_deg,
               profile->color.face_hue_max_deg, "deg",
               _("The skin colour is unnatural. Set the camera's white balance to automatic and "
                 "light the face with white light."));
  else
    add_check (report, PD_PHOTO_CHECK_NATURAL_COLOR, TRUE, hue, profile->color.face_hue_min_deg,
               profile->color.face_hue_max_deg, "deg", _("The colours look natural."));

  check_glasses (report, profile, rgb, width, height, q, face_mean);
}

/* The checks that need no face, on the whole picture, when there is no single face: a picture
 * too small, blurred, dark or grey is then told so rather than only "no face", which is often
 * why no face was found. The face checks are reported as not measured. */
static void
check_picture (PdPhotoReport  *report,
               PdPhotoProfile *profile,
               GdkPixbuf      *image,
               int             width,
               int             height)
{
  /* Twice the face analysis's height: the whole picture at 240 px would hide the blur of a
   * face that fills a fifth of it. */
  int out_h = (int) MIN (height, 2 * profile->capture.analysis_height_px);
  int out_w = CLAMP ((int) round ((double) out_h * width / height), 16, 4 * out_h);
  PdPhotoFrame frame = {
    .ex = width / 2.0, .ey = height / 2.0, .ux = 1, .uy = 0,
    .scale = (double) height / out_h,
    .width = out_w, .height = out_h,
    .eye_u = out_w / 2.0, .eye_v = out_h / 2.0,
  };
  g_autofree guint8 *rgb = g_malloc ((gsize) out_w * out_h * 3);
  guint luma_hist[256] = { 0 }, chroma_hist[256] = { 0 };
  guint n;
  double dark, bright, chroma, sharpness = 0;

  init_colour_tables ();
  if (report->mode != PD_PHOTO_MODE_PREVIEW)
    {
      /* The standard frame, at its smallest, must fit in the picture. */
      double needed = report->mode == PD_PHOTO_MODE_FINAL
                      ? profile->output.height_px - 1
                      : profile->output.height_px * profile->capture.source_scale_min;
      double size = MIN (height, width * profile->output.height_px / profile->output.width_px);

      add_check (report, PD_PHOTO_CHECK_RESOLUTION, size >= needed, size, needed, NAN, "px",
                 size >= needed
                 ? _("The picture has enough pixels; the face's own size is checked once one face is seen.")
                 : _("The picture is too small for a sharp print. Move closer to the camera, or set the "
                     "camera to its full resolution."));
    }
  add_unmeasured (report, PD_PHOTO_CHECK_HEAD_SIZE, "ratio");
  add_unmeasured (report, PD_PHOTO_CHECK_HEAD_POSITION, "ratio");
  add_unmeasured (report, PD_PHOTO_CHECK_ROLL, "deg");
  add_unmeasured (report, PD_PHOTO_CHECK_YAW, "deg");
  add_unmeasured (report, PD_PHOTO_CHECK_PITCH, "deg");
  add_unmeasured (report, PD_PHOTO_CHECK_EYES_OPEN, "ratio");
  add_unmeasured (report, PD_PHOTO_CHECK_MOUTH_CLOSED, "ratio");
  add_unmeasured (report, PD_PHOTO_CHECK_BACKGROUND, "luma");

  pd_photo_render_frame (image, &frame, rgb, NULL);
  /* Every other pixel of every other row is plenty for these statistics, and keeps an empty
   * chair's preview frame cheap. */
  n = 0;
  for (int v = 0; v < out_h; v += 2)
    for (int u = 0; u < out_w; u += 2, n++)
      {
        const guint8 *p = rgb + ((gsize) v * out_w + u) * 3;
        double a, b;

        rgb_to_ab (p, &a, &b);
        luma_hist[(int) CLAMP (luma (p) + 0.5, 0, 255)]++;
        chroma_hist[(int) CLAMP (hypot (a, b) * 2, 0, 255)]++;
      }

  /* Exposure with no face to measure: wrong only when even the brightest parts are darker
   * than a face may be, or even the darkest brighter; a white wall alone is neither. */
  bright = histogram_quantile (luma_hist, n, 0.95);
  dark = histogram_quantile (luma_hist, n, 0.05);
  if (bright < profile->exposure.face_luma_min)
    add_check (report, PD_PHOTO_CHECK_EXPOSURE, FALSE, bright, profile->exposure.face_luma_min,
               NAN, "luma", _("The picture is too dark. Add light in front of the face, or turn towards the window."));
  else if (dark > profile->exposure.face_luma_max)
    add_check (report, PD_PHOTO_CHECK_EXPOSURE, FALSE, dark, NAN, profile->exposure.face_luma_max,
               "luma", _("The picture is too bright. Dim the light or move the lamp further away."));
  else
    add_check (report, PD_PHOTO_CHECK_EXPOSURE, TRUE, bright, profile->exposure.face_luma_min, NAN,
               "luma", _("The picture is neither too dark nor too bright."));
  add_unmeasured (report, PD_PHOTO_CHECK_LIGHTING, "ratio");

  /* Sharpness: in the sharpest of 4 × 4 tiles over the middle of the picture, where the
   * subject is, the Laplacian's spread in percent of the luma's own spread. Blur takes away
   * the fine detail much faster than the contrast, whatever the content and its brightness, so
   * that a dark suit or a pale wall is judged as a face would be. Tiles with no contrast to
   * speak of (a plain wall) tell nothing and are left out. */
  for (int ty = 0; ty < 4; ty++)
    for (int tx = 0; tx < 4; tx++)
      {
        int u0 = out_w / 8 + tx * out_w * 3 / 16, u1 = u0 + out_w * 3 / 16;
        int v0 = out_h / 8 + ty * out_h * 3 / 16, v1 = v0 + out_h * 3 / 16;
        double sum = 0, sum2 = 0, y_sum = 0, y_sum2 = 0, count = 0, lap_std, y_std;

        for (int v = MAX (v0, 1); v < MIN (v1, out_h - 1); v++)
          for (int u = MAX (u0, 1); u < MIN (u1, out_w - 1); u++)
            {
              const guint8 *c = rgb + ((gsize) v * out_w + u) * 3;
              double lap = 4 * luma (c) - luma (c - 3) - luma (c + 3) -
                           luma (c - (gsize) out_w * 3) - luma (c + (gsize) out_w * 3);

              sum += lap;
              sum2 += lap * lap;
              y_sum += luma (c);
              y_sum2 += luma (c) * luma (c);
              count++;
            }
        if (count == 0)
          continue;
        lap_std = sqrt (MAX (sum2 / count - (sum / count) * (sum / count), 0));
        y_std = sqrt (MAX (y_sum2 / count - (y_sum / count) * (y_sum / count), 0));
        if (y_std >= PICTURE_CONTRAST_MIN)
          sharpness = MAX (sharpness, 100 * lap_std / y_std);
      }
  add_check (report, PD_PHOTO_CHECK_SHARPNESS,
             sharpness >= profile->sharpness.picture_laplacian_percent_min, sharpness,
             profile->sharpness.picture_laplacian_percent_min, NAN, "",
             sharpness >= profile->sharpness.picture_laplacian_percent_min
             ? _("The picture is sharp.")
             : _("The photo is blurred. Hold still, clean the lens and let the camera focus on the face."));

  /* Colour: with no skin to judge the hue by, only whether the picture has colour at all;
   * the most colourful twentieth, as a grey suit on a white wall has little. */
  chroma = histogram_quantile (chroma_hist, n, 0.95) / 2;
  add_check (report, PD_PHOTO_CHECK_NATURAL_COLOR, chroma >= profile->color.face_chroma_min, chroma,
             profile->color.face_chroma_min, NAN, "chroma",
             chroma >= profile->color.face_chroma_min
             ? _("The picture is in colour.")
             : _("The photo has no colour. Take it in colour, with the camera's colour mode on."));
  add_unmeasured (report, PD_PHOTO_CHECK_GLASSES, "");
}

static void
measure_face (PdPhotoReport  *report,
              PdPhotoProfile *profile)
{
  const PdFace *face = &report->face;
  PdFacePoint left = mean_point (face, 36, 41);
  PdFacePoint right = mean_point (face, 42, 47);
  double length = MAX (distance (left, right), 1e-6);
  double ux = (right.x - left.x) / length, uy = (right.y - left.y) / length;
  double eye_to_chin = (face->points[8].x - (left.x + right.x) / 2) * -uy +
                       (face->points[8].y - (left.y + right.y) / 2) * ux;

  report->head_height = MAX (eye_to_chin, 1) * (1 + profile->head.crown_from_eyes);
}

static GArray *
detect_with_cnn (PdFaceModel       *model,
                 PdPhotoProfile    *profile,
                 GdkPixbuf         *image,
                 const PdGrayImage *full)
{
  int width = gdk_pixbuf_get_width (image), height = gdk_pixbuf_get_height (image);
  double scale = MIN (1, sqrt (profile->capture.cnn_detect_max_pixels / ((double) width * height)));
  int w = MAX (1, (int) (width * scale)), h = MAX (1, (int) (height * scale));
  /* Tiles average the pixels, so the small copy does not alias. */
  g_autoptr(GdkPixbuf) small = gdk_pixbuf_scale_simple (image, w, h, GDK_INTERP_TILES);
  int channels = gdk_pixbuf_get_n_channels (small), stride = gdk_pixbuf_get_rowstride (small);
  const guint8 *pixels = gdk_pixbuf_read_pixels (small);
  g_autofree guint8 *rgb = g_malloc ((gsize) w * h * 3);
  PdRgbImage detect = { rgb, w, h, w * 3 };

  /* Alpha is ignored, as in to_gray(). */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      memcpy (rgb + ((gsize) y * w + x) * 3, pixels + (gsize) y * stride + (gsize) x * channels, 3);
  return pd_face_model_detect_cnn (model, &detect, (double) w / width, full, 0);
}

GArray *
pd_photo_find_faces (PdFaceModel    *model,
                     PdPhotoProfile *profile,
                     GdkPixbuf      *image,
                     PdPhotoMode     mode)
{
  g_autofree guint8 *gray = NULL;
  g_autofree guint8 *scaled = NULL;
  GArray *faces;
  int width, height, scaled_w, scaled_h;
  double pixels, detect_scale, detect_max;
  PdGrayImage full, detect;

  width = gdk_pixbuf_get_width (image);
  height = gdk_pixbuf_get_height (image);
  pixels = (double) width * height;
  gray = to_gray (image);
  full = (PdGrayImage) { gray, width, height, width };

  detect_max = mode == PD_PHOTO_MODE_PREVIEW ? profile->capture.preview_detect_max_pixels
                                             : profile->capture.detect_max_pixels;
  if (pixels * 4 <= detect_max)
    {
      /* Small pictures are doubled: HOG misses faces under about 80 px. */
      scaled = double_gray (gray, width, height);
      detect = (PdGrayImage) { scaled, width * 2, height * 2, width * 2 };
      detect_scale = 2;
    }
  else if (pixels > detect_max)
    {
      int factor = (int) ceil (sqrt (pixels / detect_max));

      scaled = shrink_gray (gray, width, height, factor, &scaled_w, &scaled_h);
      detect = (PdGrayImage) { scaled, scaled_w, scaled_h, scaled_w };
      detect_scale = 1.0 / factor;
    }
  else
    {
      detect = full;
      detect_scale = 1;
    }

  faces = pd_face_model_detect (model, &detect, detect_scale, &full, profile->capture.detect_score_min);
  /* Where HOG finds nothing in a still, the CNN looks too: it finds rolled, turned and dark
   * faces, so that the person hears what to change rather than "no face". It is far slower:
   * on a copy of the profile's size only (20,000 px, some 200 ms, finds faces that fill two
   * thirds of the picture's height), and never on preview frames, where it would cost four
   * frames' budget (README, Figures). */
  if (faces->len == 0 && mode != PD_PHOTO_MODE_PREVIEW && profile->capture.cnn_detect_max_pixels > 0)
    {
      g_array_unref (faces);
      faces = detect_with_cnn (model, profile, image, &full);
    }
  return faces;
}

PdPhotoReport *
pd_photo_analyze (PdFaceModel    *model,
                  PdPhotoProfile *profile,
                  GdkPixbuf      *image,
                  PdPhotoMode     mode)
{
  g_autoptr(PdPhotoReport) report = g_new0 (PdPhotoReport, 1);
  g_autoptr(GArray) faces = NULL;
  int width, height;

  g_return_val_if_fail (model != NULL && profile != NULL && GDK_IS_PIXBUF (image), NULL);

  report->mode = mode;
  report->checks = g_array_new (FALSE, TRUE, sizeof (PdPhotoCheck));
  g_array_set_clear_func (report->checks, clear_check);

  width = gdk_pixbuf_get_width (image);
  height = gdk_pixbuf_get_height (image);
  faces = pd_photo_find_faces (model, profile, image, mode);
  report->face_count = faces->len;
  check_single_face (report);
  if (faces->len != 1)
    {
      check_picture (report, profile, image, width, height);
      return g_steal_pointer (&report);
    }

  report->has_face = TRUE;
  report->face = g_array_index (faces, PdFace, 0);
  /* dlib gives pixel indices; the frame works on continuous coordinates. */
  for (int i = 0; i < PD_FACE_N_POINTS; i++)
    {
      report->face.points[i].x += 0.5;
      report->face.points[i].y += 0.5;
    }
  measure_face (report, profile);

  if (mode == PD_PHOTO_MODE_FINAL)
    check_framing_final (report, profile, width, height);
  else
    check_framing_capture (report, profile, width, height);
  check_pose_and_expression (report, profile, width, height);
  check_photometry (report, profile, image);

  return g_steal_pointer (&report);
}
