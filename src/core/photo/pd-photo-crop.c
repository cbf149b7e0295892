/* pd-photo-crop.c: cutting the standard photo out of a picture. */
#define G_LOG_DOMAIN "pd-photo"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-photo-private.h"

/* Makes the background white where it is already close to the measured background colour and
 * connected to the top or sides of the photo above the shoulders: the person, whose edge is
 * never near that colour all round, keeps their pixels. Pixels fade to white with their
 * closeness so that hair keeps a soft edge. */
static void
whiten_background (guint8                 *rgb,
                   int                     width,
                   int                     height,
                   const double            background[3],
                   double                  max_distance,
                   const PdPhotoHeadShape *head)
{
  g_autofree guint8 *seen = g_malloc0 ((gsize) width * height);
  g_autofree guint32 *stack = g_new (guint32, (gsize) width * height);
  int limit_v = CLAMP ((int) head->chin_v, 0, height);
  gsize top = 0;

#define CLOSE(i) (sqrt ((rgb[(i) * 3] - background[0]) * (rgb[(i) * 3] - background[0]) + \
                        (rgb[(i) * 3 + 1] - background[1]) * (rgb[(i) * 3 + 1] - background[1]) + \
                        (rgb[(i) * 3 + 2] - background[2]) * (rgb[(i) * 3 + 2] - background[2])))
#define PUSH(u, v) G_STMT_START { \
    guint32 i_ = (guint32) ((v) * width + (u)); \
    if (!seen[i_] && CLOSE (i_) < max_distance) { seen[i_] = 1; stack[top++] = i_; } \
  } G_STMT_END

  for (int u = 0; u < width; u++)
    PUSH (u, 0);
  for (int v = 0; v < limit_v; v++)
    {
      PUSH (0, v);
      PUSH (width - 1, v);
    }

  while (top > 0)
    {
      guint32 i = stack[--top];
      int u = i % width, v = i / width;
      double du = (u + 0.5 - head->cx) / (head->rx * 0.6), dv = (v + 0.5 - head->cy) / (head->ry * 0.7);
      double closeness = 1 - CLOSE (i) / max_distance;
      double blend = CLAMP (2 * closeness, 0, 1);

      for (int c = 0; c < 3; c++)
        rgb[i * 3 + c] = (guint8) round (rgb[i * 3 + c] + (255 - rgb[i * 3 + c]) * blend);

      /* Never into the face itself, however pale, nor below the chin line. */
      if (du * du + dv * dv < 1)
        continue;
      if (u > 0)
        PUSH (u - 1, v);
      if (u < width - 1)
        PUSH (u + 1, v);
      if (v > 0)
        PUSH (u, v - 1);
      if (v < limit_v - 1)
        PUSH (u, v + 1);
    }
#undef PUSH
#undef CLOSE
}

GdkPixbuf *
pd_photo_make_standard (PdPhotoProfile       *profile,
                        GdkPixbuf            *image,
                        const PdPhotoReport  *report,
                        GError              **error)
{
  static const char *const needed[] = {
    PD_PHOTO_CHECK_SINGLE_FACE,
    PD_PHOTO_CHECK_HEAD_SIZE,
    PD_PHOTO_CHECK_HEAD_POSITION,
  };
  int width = (int) profile->output.width_px;
  int height = (int) profile->output.height_px;
  g_autofree guint8 *rgb = NULL;
  PdPhotoFrame frame;
  PdPhotoHeadShape head;
  g_autoptr(GBytes) pixels = NULL;

  g_return_val_if_fail (report != NULL && report->mode != PD_PHOTO_MODE_FINAL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      const PdPhotoCheck *check = pd_photo_report_find_check (report, needed[i]);

      if (check == NULL || !check->passed)
        {
          g_set_error (error, PD_PHOTO_ERROR, PD_PHOTO_ERROR_CANNOT_CROP,
                       _("The standard photo cannot be cut from this picture. %s"),
                       check != NULL ? check->message : _("Take the photo again with the face in the frame."));
          return NULL;
        }
    }

  frame = pd_photo_frame_for_size (report, profile, width, height);
  rgb = g_malloc ((gsize) width * height * 3);
  pd_photo_render_frame (image, &frame, rgb, NULL);
  if (report->background_passed)
    {
      head = pd_photo_head_shape (report, profile, &frame);
      whiten_background (rgb, width, height, report->background_rgb,
                         profile->background.whiten_distance_max, &head);
    }

  pixels = g_bytes_new_take (g_steal_pointer (&rgb), (gsize) width * height * 3);
  return gdk_pixbuf_new_from_bytes (pixels, GDK_COLORSPACE_RGB, FALSE, 8, width, height, width * 3);
}
