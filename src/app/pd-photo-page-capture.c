/* pd-photo-page-capture.c: the photo page's capture and import: the countdown, the full checks,
 * the standard crop and its JPEG made in a worker from the live frame or a picture file, and
 * the result column that shows them.
 */
#define G_LOG_DOMAIN "pd-photo-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-background.h"
#include "pd-photo-image.h"
#include "pd-photo-page-internal.h"
#include "pd-toast.h"

#define COUNTDOWN_SECONDS 3

/* The result column: the standard photo cut, and what the officer does with it next. */
void
_pd_photo_page_update_result (PdPhotoPage *self)
{
  gtk_widget_set_visible (self->result_column, self->result_jpeg != NULL || self->capturing);
  gtk_picture_set_paintable (self->result_picture, GDK_PAINTABLE (self->result_texture));

  if (self->capturing)
    gtk_label_set_label (self->result_label, _("Cutting the standard photo…"));
  else if (self->result_jpeg == NULL)
    gtk_label_set_label (self->result_label, "");
  else if (_pd_photo_page_report_compliant (self->result_report))
    gtk_label_set_label (self->result_label, _("Meets the standard. Check by eye for glasses, head "
                                               "coverings and hidden ears, then use it."));
  else if (self->override_reason != NULL)
    gtk_label_set_label (self->result_label, _("Checks overridden: the reason is recorded with the "
                                               "photo when the application is saved."));
  else
    {
      const PdPhotoCheck *failed = _pd_photo_page_first_failed (self->result_report);
      g_autofree char *text = g_strdup_printf (_("Does not meet the standard: %s Retake it, or "
                                                 "override the failed checks."),
                                               failed ? failed->message : "");

      gtk_label_set_label (self->result_label, text);
    }
}

/* The textures are made here too: a 12 MP picture is a 36 MB copy, and drawing it scaled
 * down on every frame would hold the main thread far longer than that. */
typedef struct
{
  PdPhotoReport *report;
  GdkTexture    *still;      /* import: the picture read, at the size it is shown */
  GdkTexture    *standard;
  GBytes        *jpeg;
  GError        *error;      /* why no standard photo could be made */
} CaptureResult;

static void
capture_result_free (CaptureResult *result)
{
  g_clear_pointer (&result->report, pd_photo_report_free);
  g_clear_object (&result->still);
  g_clear_object (&result->standard);
  g_clear_pointer (&result->jpeg, g_bytes_unref);
  g_clear_error (&result->error);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CaptureResult, capture_result_free)

/* @image scaled down to fit @width x @height (unknown when 0). */
static GdkTexture *
still_texture (GdkPixbuf *image,
               int        width,
               int        height)
{
  int image_width = gdk_pixbuf_get_width (image);
  int image_height = gdk_pixbuf_get_height (image);
  double factor;
  g_autoptr(GdkPixbuf) scaled = NULL;

  if (width <= 0 || height <= 0)
    return gdk_texture_new_for_pixbuf (image);
  factor = MIN (1.0, MIN ((double) width / image_width, (double) height / image_height));
  if (factor == 1.0)
    return gdk_texture_new_for_pixbuf (image);
  scaled = gdk_pixbuf_scale_simple (image, MAX (1, (int) (image_width * factor + 0.5)),
                                    MAX (1, (int) (image_height * factor + 0.5)), GDK_INTERP_BILINEAR);
  return gdk_texture_new_for_pixbuf (scaled);
}

static void
capture_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AnalysisData *data = task_data;
  PdPhotoProfile *p = data->profile;
  g_autoptr(CaptureResult) result = g_new0 (CaptureResult, 1);
  g_autoptr(GdkPixbuf) standard = NULL;
  GError *error = NULL;

  if (data->file != NULL)
    {
      g_autofree char *path = g_file_get_path (data->file);

      data->image = path ? pd_photo_image_load_file (path, &error)
                         : (g_set_error_literal (&error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_UNREADABLE,
                                                 _("Only files on this computer can be imported: copy the "
                                                   "photo to a local folder first.")), NULL);
      if (data->image == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      result->still = still_texture (data->image, data->still_width, data->still_height);
    }

  result->report = pd_photo_analyze (data->model->model, p, data->image, PD_PHOTO_MODE_CAPTURE);
  standard = pd_photo_make_standard (p, data->image, result->report, &result->error);
  if (standard != NULL)
    result->jpeg = pd_photo_image_encode_jpeg (standard, (int) p->output.jpeg_quality_min,
                                               (int) p->output.jpeg_quality_max,
                                               (gsize) p->output.jpeg_min_bytes,
                                               (gsize) p->output.jpeg_max_bytes,
                                               (int) p->output.dpi, NULL, &result->error);
  if (result->jpeg != NULL)
    result->standard = gdk_texture_new_for_pixbuf (standard);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) capture_result_free);
}

static void
toast (PdPhotoPage *self,
       const char  *message)
{
  pd_toast_show (GTK_WIDGET (self), adw_toast_new (message));
}

static void
capture_cb (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (object);
  gboolean import = GPOINTER_TO_INT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(CaptureResult) result = g_task_propagate_pointer (G_TASK (res), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->capturing = FALSE;

  g_clear_pointer (&self->result_report, pd_photo_report_free);
  g_clear_object (&self->result_texture);
  g_clear_pointer (&self->result_jpeg, g_bytes_unref);

  if (result == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot import the picture: %s"), error->message);

      toast (self, message);
      _pd_photo_page_update_state (self);
      return;
    }

  if (import)
    {
      /* The picture and its checks take the place of the live view until Back to Camera. */
      self->still = TRUE;
      g_clear_object (&self->still_texture);
      self->still_texture = g_steal_pointer (&result->still);
      gtk_picture_set_paintable (self->still_picture, GDK_PAINTABLE (self->still_texture));
    }
  self->result_report = g_steal_pointer (&result->report);

  if (result->jpeg != NULL)
    {
      self->result_texture = g_steal_pointer (&result->standard);
      self->result_jpeg = g_steal_pointer (&result->jpeg);
    }
  else if (result->error != NULL)
    toast (self, result->error->message);

  _pd_photo_page_update_state (self);
}

static void
capture_now (PdPhotoPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->frame == NULL || self->model_state != MODEL_READY)
    return;
  self->capturing = TRUE;
  task = g_task_new (self, self->cancellable, capture_cb, GINT_TO_POINTER (FALSE));
  g_task_set_source_tag (task, capture_now);
  g_task_set_task_data (task, _pd_photo_page_analysis_data_new (self, self->frame, PD_PHOTO_MODE_CAPTURE),
                        (GDestroyNotify) _pd_photo_page_analysis_data_free);
  pd_background_run_task (task, capture_thread);
  _pd_photo_page_update_state (self);
}

static void
show_countdown (PdPhotoPage *self)
{
  g_autofree char *markup = g_strdup_printf ("<span size=\"72pt\" weight=\"bold\">%u</span>", self->countdown);

  gtk_label_set_markup (self->countdown_label, markup);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);
}

static gboolean
countdown_cb (gpointer user_data)
{
  PdPhotoPage *self = user_data;

  if (--self->countdown > 0)
    {
      show_countdown (self);
      return G_SOURCE_CONTINUE;
    }
  self->countdown_source = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
  capture_now (self);
  return G_SOURCE_REMOVE;
}

void
_pd_photo_page_capture_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);

  if (!_pd_photo_page_can_capture (self))
    return;
  if (gtk_check_button_get_active (self->countdown_check))
    {
      self->countdown = COUNTDOWN_SECONDS;
      show_countdown (self);
      /* Not g_timeout_add_seconds: it rounds to whole seconds of the clock, so its first tick
       * may come early and the applicant would get less than the promised time. */
      self->countdown_source = g_timeout_add (1000, countdown_cb, self);
      _pd_photo_page_update_state (self);
      return;
    }
  capture_now (self);
}

void
pd_photo_page_import_file (PdPhotoPage *self,
                           GFile       *file)
{
  g_autoptr(GTask) task = NULL;
  AnalysisData *data;

  g_return_if_fail (PD_IS_PHOTO_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->model_state != MODEL_READY)
    {
      toast (self, _("The face model is not loaded yet: wait a moment, then import again."));
      return;
    }
  self->capturing = TRUE;
  data = _pd_photo_page_analysis_data_new (self, NULL, PD_PHOTO_MODE_CAPTURE);
  data->file = g_object_ref (file);
  /* The still takes the place of the live picture. */
  data->still_width = gtk_widget_get_width (GTK_WIDGET (self->source_stack)) *
                      gtk_widget_get_scale_factor (GTK_WIDGET (self));
  data->still_height = gtk_widget_get_height (GTK_WIDGET (self->source_stack)) *
                       gtk_widget_get_scale_factor (GTK_WIDGET (self));
  task = g_task_new (self, self->cancellable, capture_cb, GINT_TO_POINTER (TRUE));
  g_task_set_source_tag (task, pd_photo_page_import_file);
  g_task_set_task_data (task, data, (GDestroyNotify) _pd_photo_page_analysis_data_free);
  pd_background_run_task (task, capture_thread);
  _pd_photo_page_update_state (self);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     PdPhotoPage     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        pd_photo_page_import_file (self, file);
    }
  g_clear_object (&self->chooser);
}

void
_pd_photo_page_import_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Import Photo"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Import"), _("_Cancel"));
  /* Only these two are read: no other decoder sees a file from outside. */
  gtk_file_filter_set_name (filter, _("Photos (JPEG, PNG)"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

