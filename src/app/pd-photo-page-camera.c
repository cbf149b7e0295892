/* pd-photo-page-camera.c: the photo page's camera: finding the cameras plugged in, choosing
 * one, starting it (GStreamer prepared in a worker first) while the page shows, and its frames.
 */
#define G_LOG_DOMAIN "pd-photo-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-photo-page-internal.h"

static void
on_frame (PdCamera    *camera,
          guint        width,
          guint        height,
          guint        stride,
          GBytes      *rgb,
          PdPhotoPage *self)
{
  /* The pixbuf shares the camera's buffer: a frame is never copied. */
  g_clear_object (&self->frame);
  self->frame = gdk_pixbuf_new_from_bytes (rgb, GDK_COLORSPACE_RGB, FALSE, 8, width, height, stride);
  self->frame_analysed = FALSE;
  pd_head_guide_set_frame_size (self->guide, width, height);
  if (self->report == NULL)
    _pd_photo_page_update_state (self);
  _pd_photo_page_maybe_analyse (self);
}

static void
on_camera_error (PdCamera     *camera,
                 const GError *error,
                 PdPhotoPage  *self)
{
  g_free (self->camera_error);
  self->camera_error = g_strdup (error->message);
  adw_status_page_set_title (self->no_camera_page, _("The Camera Stopped"));
  adw_status_page_set_description (self->no_camera_page, error->message);
  _pd_photo_page_update_state (self);
}

void
_pd_photo_page_use_camera (PdPhotoPage *self,
                           PdCamera    *camera)
{
  if (self->camera != NULL)
    {
      pd_camera_stop (self->camera);
      g_signal_handlers_disconnect_by_data (self->camera, self);
    }
  g_set_object (&self->camera, camera);
  g_clear_pointer (&self->camera_error, g_free);
  g_clear_object (&self->frame);
  g_clear_pointer (&self->report, pd_photo_report_free);
  pd_camera_view_set_camera (self->camera_view, camera);
  if (camera != NULL)
    {
      /* The page reads faces, not codes. */
      pd_camera_set_barcode_formats (camera, PD_BARCODE_FORMAT_NONE);
      g_signal_connect_object (camera, "frame", G_CALLBACK (on_frame), self, 0);
      g_signal_connect_object (camera, "error", G_CALLBACK (on_camera_error), self, 0);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        _pd_photo_page_start_camera (self);
    }
  _pd_photo_page_update_state (self);
}

static void
gstreamer_prepared_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(PdPhotoPage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->preparing_gstreamer = FALSE;
  /* A failure is reported by pd_camera_start(), with what to do. */
  if (!pd_camera_prepare_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    _pd_photo_page_start_camera (self);
}

void
_pd_photo_page_prepare_gstreamer (PdPhotoPage *self)
{
  if (pd_camera_get_prepared () || self->preparing_gstreamer)
    return;
  self->preparing_gstreamer = TRUE;
  pd_camera_prepare_async (self->cancellable, gstreamer_prepared_cb, g_object_ref (self));
}

void
_pd_photo_page_start_camera (PdPhotoPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->camera == NULL || pd_camera_get_running (self->camera))
    return;
  if (!pd_camera_get_prepared ())
    {
      /* Not on the UI thread: the page shows at once, the camera a moment later. */
      _pd_photo_page_prepare_gstreamer (self);
      return;
    }
  g_clear_pointer (&self->camera_error, g_free);
  if (!pd_camera_start (self->camera, &error))
    {
      self->camera_error = g_strdup (error->message);
      adw_status_page_set_title (self->no_camera_page, _("The Camera Could Not Be Started"));
      adw_status_page_set_description (self->no_camera_page, error->message);
    }
  _pd_photo_page_update_state (self);
}

static void
list_devices_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_task_return_pointer (task, pd_camera_list_devices (), (GDestroyNotify) g_ptr_array_unref);
}

static void
camera_selected_cb (PdPhotoPage *self,
                    GParamSpec  *pspec,
                    GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  const PdCameraDevice *device;
  g_autoptr(PdCamera) camera = NULL;

  if (self->camera_given || self->devices == NULL || selected >= self->devices->len)
    return;
  device = g_ptr_array_index (self->devices, selected);
  camera = pd_camera_new_for_device (device->device_path);
  _pd_photo_page_use_camera (self, camera);
}

static void
list_devices_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (object);
  g_autoptr(GPtrArray) devices = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  if (devices == NULL)   /* cancelled */
    return;
  self->finding = FALSE;
  if (self->camera_given)
    {
      _pd_photo_page_update_state (self);
      return;
    }

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  self->devices = g_steal_pointer (&devices);
  for (guint i = 0; i < self->devices->len; i++)
    gtk_string_list_append (names, ((PdCameraDevice *) g_ptr_array_index (self->devices, i))->name);

  g_signal_handlers_block_by_func (self->camera_dropdown, camera_selected_cb, self);
  gtk_drop_down_set_model (self->camera_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->camera_dropdown, 0);
  g_signal_handlers_unblock_by_func (self->camera_dropdown, camera_selected_cb, self);

  if (self->devices->len == 0)
    {
      adw_status_page_set_title (self->no_camera_page, _("No Camera Found"));
      adw_status_page_set_description (self->no_camera_page,
                                       _("Plug in a camera and look again, or import the photo from "
                                         "a file (a photo the applicant brought, a camera’s memory card)."));
      _pd_photo_page_use_camera (self, NULL);
    }
  else
    camera_selected_cb (self, NULL, self->camera_dropdown);
}

void
_pd_photo_page_find_cameras (PdPhotoPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->finding || self->camera_given)
    return;
  self->finding = TRUE;
  _pd_photo_page_update_state (self);
  task = g_task_new (self, self->cancellable, list_devices_cb, NULL);
  g_task_set_source_tag (task, _pd_photo_page_find_cameras);
  g_task_run_in_thread (task, list_devices_thread);
}

void
_pd_photo_page_find_cameras_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  _pd_photo_page_find_cameras (PD_PHOTO_PAGE (widget));
}

/* Follows the choice of the officer in the camera list. */
void
_pd_photo_page_init_cameras (PdPhotoPage *self)
{
  g_signal_connect_object (self->camera_dropdown, "notify::selected",
                           G_CALLBACK (camera_selected_cb), self, G_CONNECT_SWAPPED);
}
