/* pd-camera-view.c: the live picture of a camera, scaled off the main thread, with guides and a status line.
 *
 * A camera sends frames far larger than the view shows them (1280x720 and more), in RGB. The
 * renderer would convert and scale each one on the main thread every time it is drawn (with
 * the cairo renderer, tens of milliseconds a frame): a worker scales the newest frame to the
 * size the picture takes on screen, in the renderer's own pixel format, while the main thread
 * only swaps textures. Frames that come while one is being scaled replace each other.
 */
#define G_LOG_DOMAIN "pd-camera-view"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "pd-camera-view.h"

typedef struct
{
  GBytes *rgb;
  guint   width;
  guint   height;
  guint   stride;
  /* The size to scale to, in device pixels. */
  guint   target_width;
  guint   target_height;
} FrameData;

static void
frame_data_free (FrameData *data)
{
  g_bytes_unref (data->rgb);
  g_free (data);
}

typedef struct
{
  GBytes *pixels;
  guint   width;
  guint   height;
} ScaledFrame;

static void
scaled_frame_free (ScaledFrame *scaled)
{
  g_bytes_unref (scaled->pixels);
  g_free (scaled);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScaledFrame, scaled_frame_free)

struct _PdCameraView
{
  GtkWidget   parent_instance;

  GtkOverlay *overlay;
  GtkPicture *picture;
  GtkWidget  *status_box;
  GtkImage   *status_icon;
  GtkLabel   *status_label;
  GtkWidget  *guide;

  PdCamera     *camera;
  GdkTexture   *frame;
  guint         frame_count;

  /* The newest frame not yet scaled, and the scaling under way. */
  FrameData    *pending;
  GCancellable *cancellable;
  gboolean      scaling;
};

G_DEFINE_FINAL_TYPE (PdCameraView, pd_camera_view, GTK_TYPE_WIDGET)

static void scale_next (PdCameraView *self);

enum {
  PROP_0,
  PROP_CAMERA,
  PROP_GUIDE,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
pd_camera_view_new (void)
{
  return g_object_new (PD_TYPE_CAMERA_VIEW, NULL);
}

/* White on the dark status box stays readable over any picture: an icon tells success
 * from failure, not the colour of the text. */
static void
set_status_icon (PdCameraView *self,
                 const char   *icon_name)
{
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), icon_name != NULL);
}

/* Worker: the frame at the target size, as GDK_MEMORY_DEFAULT (cairo's native ARGB32, which
 * the cairo renderer copies as is and GL uploads without converting). */
static void
scale_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FrameData *data = task_data;
  g_autoptr(GdkPixbuf) source = gdk_pixbuf_new_from_bytes (data->rgb, GDK_COLORSPACE_RGB, FALSE, 8,
                                                           data->width, data->height, data->stride);
  g_autoptr(GdkPixbuf) scaled = NULL;
  ScaledFrame *result = g_new0 (ScaledFrame, 1);
  const guint8 *in;
  guint32 *out;
  int in_stride;

  if (data->target_width == data->width && data->target_height == data->height)
    scaled = g_object_ref (source);
  else
    scaled = gdk_pixbuf_scale_simple (source, data->target_width, data->target_height, GDK_INTERP_BILINEAR);
  in = gdk_pixbuf_read_pixels (scaled);
  in_stride = gdk_pixbuf_get_rowstride (scaled);
  out = g_new (guint32, (gsize) data->target_width * data->target_height);
  for (guint y = 0; y < data->target_height; y++)
    {
      const guint8 *p = in + (gsize) y * in_stride;
      guint32 *q = out + (gsize) y * data->target_width;

      for (guint x = 0; x < data->target_width; x++, p += 3)
        q[x] = 0xff000000u | (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2];
    }
  result->width = data->target_width;
  result->height = data->target_height;
  result->pixels = g_bytes_new_take (out, (gsize) data->target_width * data->target_height * 4);
  g_task_return_pointer (task, result, (GDestroyNotify) scaled_frame_free);
}

static void
scale_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  PdCameraView *self = PD_CAMERA_VIEW (object);
  g_autoptr(ScaledFrame) scaled = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GdkTexture) texture = NULL;

  /* Cancelled: the camera changed or the view is gone. */
  if (g_task_get_cancellable (G_TASK (result)) != self->cancellable ||
      g_cancellable_is_cancelled (self->cancellable))
    return;
  self->scaling = FALSE;
  texture = gdk_memory_texture_new (scaled->width, scaled->height, GDK_MEMORY_DEFAULT,
                                    scaled->pixels, (gsize) scaled->width * 4);
  self->frame_count++;
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  scale_next (self);
}

/* The size the picture shows a @width x @height frame at ("contain"), in device pixels; the
 * frame's own size before the view is laid out, and never larger. */
static void
target_size (PdCameraView *self,
             guint         width,
             guint         height,
             guint        *target_width,
             guint        *target_height)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self->picture));
  double shown_width = gtk_widget_get_width (GTK_WIDGET (self->picture)) * scale;
  double shown_height = gtk_widget_get_height (GTK_WIDGET (self->picture)) * scale;
  double factor = 1.0;

  if (shown_width > 0 && shown_height > 0)
    factor = MIN (1.0, MIN (shown_width / width, shown_height / height));
  *target_width = MAX (1, (guint) round (width * factor));
  *target_height = MAX (1, (guint) round (height * factor));
}

static void
scale_next (PdCameraView *self)
{
  g_autoptr(GTask) task = NULL;
  FrameData *data;

  if (self->scaling || self->pending == NULL)
    return;
  data = g_steal_pointer (&self->pending);
  target_size (self, data->width, data->height, &data->target_width, &data->target_height);
  self->scaling = TRUE;
  task = g_task_new (self, self->cancellable, scale_cb, NULL);
  g_task_set_source_tag (task, scale_next);
  g_task_set_task_data (task, data, (GDestroyNotify) frame_data_free);
  g_task_run_in_thread (task, scale_thread);
}

static void
on_frame (PdCamera     *camera,
          guint         width,
          guint         height,
          guint         stride,
          GBytes       *rgb,
          PdCameraView *self)
{
  FrameData *data = g_new0 (FrameData, 1);

  /* The full frame, for a still: the texture holds the camera's buffer itself, no copy. */
  g_clear_object (&self->frame);
  self->frame = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, rgb, stride);
  data->rgb = g_bytes_ref (rgb);
  data->width = width;
  data->height = height;
  data->stride = stride;
  g_clear_pointer (&self->pending, frame_data_free);
  self->pending = data;
  scale_next (self);
}

static void
on_code_detected (PdCamera     *camera,
                  const char   *text,
                  guint         format,
                  PdCameraView *self)
{
  g_autofree char *status = NULL;

  /* TRANSLATORS: %s is the kind of code, "QR Code" or "Code 128". */
  status = g_strdup_printf (_("%s read"), pd_barcode_format_to_string (format));
  pd_camera_view_set_status (self, status);
  set_status_icon (self, "emblem-ok-symbolic");
}

static void
on_error (PdCamera     *camera,
          const GError *error,
          PdCameraView *self)
{
  pd_camera_view_set_status (self, error->message);
  set_status_icon (self, "dialog-warning-symbolic");
}

PdCamera *
pd_camera_view_get_camera (PdCameraView *self)
{
  g_return_val_if_fail (PD_IS_CAMERA_VIEW (self), NULL);

  return self->camera;
}

void
pd_camera_view_set_camera (PdCameraView *self,
                           PdCamera     *camera)
{
  g_return_if_fail (PD_IS_CAMERA_VIEW (self));
  g_return_if_fail (camera == NULL || PD_IS_CAMERA (camera));

  if (self->camera == camera)
    return;
  if (self->camera != NULL)
    g_signal_handlers_disconnect_by_data (self->camera, self);
  g_set_object (&self->camera, camera);
  g_clear_object (&self->frame);
  g_clear_pointer (&self->pending, frame_data_free);
  /* A frame of the former camera being scaled is not shown. */
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  self->scaling = FALSE;
  self->frame_count = 0;
  gtk_picture_set_paintable (self->picture, NULL);
  set_status_icon (self, NULL);
  if (camera != NULL)
    {
      g_signal_connect_object (camera, "frame", G_CALLBACK (on_frame), self, 0);
      g_signal_connect_object (camera, "code-detected", G_CALLBACK (on_code_detected), self, 0);
      g_signal_connect_object (camera, "error", G_CALLBACK (on_error), self, 0);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
}

GtkWidget *
pd_camera_view_get_guide (PdCameraView *self)
{
  g_return_val_if_fail (PD_IS_CAMERA_VIEW (self), NULL);

  return self->guide;
}

void
pd_camera_view_set_guide (PdCameraView *self,
                          GtkWidget    *guide)
{
  g_return_if_fail (PD_IS_CAMERA_VIEW (self));
  g_return_if_fail (guide == NULL || GTK_IS_WIDGET (guide));

  if (self->guide == guide)
    return;
  if (self->guide != NULL)
    gtk_overlay_remove_overlay (self->overlay, self->guide);
  self->guide = guide;
  if (guide != NULL)
    {
      /* Under the status line, and never in the way of clicks on the picture. */
      gtk_overlay_add_overlay (self->overlay, guide);
      gtk_widget_insert_after (guide, GTK_WIDGET (self->overlay), GTK_WIDGET (self->picture));
      gtk_widget_set_can_target (guide, FALSE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUIDE]);
}

const char *
pd_camera_view_get_status (PdCameraView *self)
{
  g_return_val_if_fail (PD_IS_CAMERA_VIEW (self), NULL);

  return gtk_label_get_label (self->status_label);
}

void
pd_camera_view_set_status (PdCameraView *self,
                           const char   *status)
{
  g_return_if_fail (PD_IS_CAMERA_VIEW (self));

  if (g_strcmp0 (status, gtk_label_get_label (self->status_label)) == 0)
    return;
  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (self->status_box, status != NULL && *status != '\0');
  set_status_icon (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

GdkTexture *
pd_camera_view_get_frame (PdCameraView *self)
{
  g_return_val_if_fail (PD_IS_CAMERA_VIEW (self), NULL);

  return self->frame;
}

guint
pd_camera_view_get_frame_count (PdCameraView *self)
{
  g_return_val_if_fail (PD_IS_CAMERA_VIEW (self), 0);

  return self->frame_count;
}

static void
pd_camera_view_dispose (GObject *object)
{
  PdCameraView *self = PD_CAMERA_VIEW (object);

  pd_camera_view_set_camera (self, NULL);
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_CAMERA_VIEW);
  self->guide = NULL;

  G_OBJECT_CLASS (pd_camera_view_parent_class)->dispose (object);
}

static void
pd_camera_view_finalize (GObject *object)
{
  PdCameraView *self = PD_CAMERA_VIEW (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pd_camera_view_parent_class)->finalize (object);
}

static void
pd_camera_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PdCameraView *self = PD_CAMERA_VIEW (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      g_value_set_object (value, self->camera);
      break;
    case PROP_GUIDE:
      g_value_set_object (value, self->guide);
      break;
    case PROP_STATUS:
      g_value_set_string (value, pd_camera_view_get_status (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_camera_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PdCameraView *self = PD_CAMERA_VIEW (object);

  switch (prop_id)
    {
    case PROP_CAMERA:
      pd_camera_view_set_camera (self, g_value_get_object (value));
      break;
    case PROP_GUIDE:
      pd_camera_view_set_guide (self, g_value_get_object (value));
      break;
    case PROP_STATUS:
      pd_camera_view_set_status (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_camera_view_class_init (PdCameraViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_camera_view_dispose;
  object_class->finalize = pd_camera_view_finalize;
  object_class->get_property = pd_camera_view_get_property;
  object_class->set_property = pd_camera_view_set_property;

  properties[PROP_CAMERA] =
    g_param_spec_object ("camera", NULL, NULL, PD_TYPE_CAMERA,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUIDE] =
    g_param_spec_object ("guide", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "pd-camera-view");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-camera-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PdCameraView, overlay);
  gtk_widget_class_bind_template_child (widget_class, PdCameraView, picture);
  gtk_widget_class_bind_template_child (widget_class, PdCameraView, status_box);
  gtk_widget_class_bind_template_child (widget_class, PdCameraView, status_icon);
  gtk_widget_class_bind_template_child (widget_class, PdCameraView, status_label);
}

static void
pd_camera_view_init (PdCameraView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
