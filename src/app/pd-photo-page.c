/* pd-photo-page.c
 *
 * Frames come from PdCamera on the main context. The newest one is analysed in a worker
 * thread, one analysis at a time and at most ANALYSIS_INTERVAL_MS apart: frames that arrive
 * meanwhile replace each other, so the checks never lag behind the picture. The capture and
 * the import run the full checks, the crop and the JPEG encoding in a worker too.
 */
#define G_LOG_DOMAIN "pd-photo-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-background.h"
#include "pd-camera-view.h"
#include "pd-head-guide.h"
#include "pd-photo-image.h"
#include "pd-photo-page-private.h"

/* Five times a second: the list follows the applicant's movements without a lag. */
#define ANALYSIS_INTERVAL_MS 200
#define COUNTDOWN_SECONDS    3

typedef struct
{
  const char *id;
  const char *title;
} CheckInfo;

/* In the order of the report. */
static const CheckInfo check_infos[] = {
  { PD_PHOTO_CHECK_SINGLE_FACE, N_("One face") },
  { PD_PHOTO_CHECK_RESOLUTION, N_("Resolution") },
  { PD_PHOTO_CHECK_HEAD_SIZE, N_("Head size") },
  { PD_PHOTO_CHECK_HEAD_POSITION, N_("Head position") },
  { PD_PHOTO_CHECK_ROLL, N_("Head tilt") },
  { PD_PHOTO_CHECK_YAW, N_("Head turned") },
  { PD_PHOTO_CHECK_PITCH, N_("Head up or down") },
  { PD_PHOTO_CHECK_EYES_OPEN, N_("Eyes open") },
  { PD_PHOTO_CHECK_MOUTH_CLOSED, N_("Mouth closed") },
  { PD_PHOTO_CHECK_BACKGROUND, N_("White background") },
  { PD_PHOTO_CHECK_EXPOSURE, N_("Exposure") },
  { PD_PHOTO_CHECK_LIGHTING, N_("Even lighting") },
  { PD_PHOTO_CHECK_SHARPNESS, N_("Sharpness") },
  { PD_PHOTO_CHECK_NATURAL_COLOR, N_("Natural colour") },
  { PD_PHOTO_CHECK_GLASSES, N_("No glasses") },
};

#define N_CHECKS G_N_ELEMENTS (check_infos)

typedef enum {
  MODEL_NONE,
  MODEL_LOADING,
  MODEL_READY,
  MODEL_FAILED,
} ModelState;

/* The model outlives the page while a worker still uses it. */
typedef struct
{
  PdFaceModel *model;
} ModelBox;

static void
model_box_clear (gpointer data)
{
  ModelBox *box = data;

  g_clear_pointer (&box->model, pd_face_model_free);
}

static void
model_box_unref (ModelBox *box)
{
  g_atomic_rc_box_release_full (box, model_box_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelBox, model_box_unref)

typedef enum {
  ROW_UNSET,
  ROW_NOT_CHECKED,
  ROW_PASSED,
  ROW_FAILED,
} RowState;

/* Rows lower than AdwActionRow's, so that all fit on a laptop's screen. A report comes five
 * times a second and mostly says what the last one said: a row is only touched when what it
 * shows changes (each change restyles it and tells the accessibility bus). */
typedef struct
{
  GtkWidget *row;
  GtkImage  *icon;
  GtkLabel  *message;
  RowState   state;
  char      *text;      /* the message of a failed check, the tooltip otherwise */
} CheckRow;

struct _PdPhotoPage
{
  GtkWidget         parent_instance;

  GtkStack         *source_stack;
  GtkSpinner       *finding_spinner;
  AdwStatusPage    *no_camera_page;
  PdCameraView     *camera_view;
  GtkPicture       *still_picture;
  GtkLabel         *countdown_label;
  GtkDropDown      *camera_dropdown;
  GtkCheckButton   *countdown_check;
  GtkWidget        *capture_button;
  GtkWidget        *override_button;
  GtkWidget        *back_button;
  GtkWidget        *result_column;
  GtkPicture       *result_picture;
  GtkLabel         *result_label;
  GtkLabel         *summary_label;
  GtkStack         *checks_stack;
  GtkSpinner       *loading_spinner;
  AdwStatusPage    *model_error_page;
  GtkListBox       *check_list;
  PdHeadGuide      *guide;
  CheckRow          rows[N_CHECKS];

  PdPhotoProfile   *profile;
  ModelBox         *model;
  ModelState        model_state;
  GCancellable     *cancellable;

  /* The camera: the caller's, or one of the devices found. */
  PdCamera         *camera;
  gboolean          camera_given;
  GPtrArray        *devices;        /* PdCameraDevice */
  gboolean          finding;
  gboolean          preparing_gstreamer;
  char             *camera_error;

  /* The newest frame, and whether it was analysed. */
  GdkPixbuf        *frame;
  gboolean          frame_analysed;
  gboolean          analysing;
  gint64            last_analysis;
  guint             analysis_timeout;

  /* What the check list shows: the live frame's report, or the imported picture's. */
  PdPhotoReport    *report;
  gboolean          still;
  GdkTexture       *still_texture;

  guint             countdown_source;
  guint             countdown;
  gboolean          capturing;

  /* The last capture or import. */
  PdPhotoReport    *result_report;
  GdkTexture       *result_texture;
  GBytes           *result_jpeg;

  /* Set by the override dialog: the failed checks may be ignored for the next photo. */
  char             *override_reason;
  AdwMessageDialog *override_dialog;
  GtkEditable      *override_entry;

  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (PdPhotoPage, pd_photo_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

enum {
  PHOTO_ACCEPTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void maybe_analyse (PdPhotoPage *self);
static void update_state (PdPhotoPage *self);
static void start_camera (PdPhotoPage *self);

GtkWidget *
pd_photo_page_new (void)
{
  return g_object_new (PD_TYPE_PHOTO_PAGE, NULL);
}

static gboolean
report_compliant (const PdPhotoReport *report)
{
  return report != NULL && pd_photo_report_is_compliant (report);
}

/* The ids of the failed checks, comma-separated. */
static char *
failed_ids (const PdPhotoReport *report)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < pd_photo_report_get_n_checks (report); i++)
    {
      const PdPhotoCheck *check = pd_photo_report_get_check (report, i);

      if (check->passed || !check->measured)
        continue;
      if (ids->len > 0)
        g_string_append_c (ids, ',');
      g_string_append (ids, check->id);
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static const PdPhotoCheck *
first_failed (const PdPhotoReport *report)
{
  for (guint i = 0; i < pd_photo_report_get_n_checks (report); i++)
    if (pd_photo_report_get_check (report, i)->measured && !pd_photo_report_get_check (report, i)->passed)
      return pd_photo_report_get_check (report, i);
  return NULL;
}

/* The check list shows the live frame's report, or the imported picture's. */
static const PdPhotoReport *
shown_report (PdPhotoPage *self)
{
  return self->still ? self->result_report : self->report;
}

static gboolean
can_capture (PdPhotoPage *self)
{
  return self->model_state == MODEL_READY && !self->still && self->frame != NULL &&
         self->countdown_source == 0 && !self->capturing &&
         g_strcmp0 (gtk_stack_get_visible_child_name (self->source_stack), "live") == 0 &&
         (report_compliant (self->report) || (self->report != NULL && self->override_reason != NULL));
}

static gboolean
can_use (PdPhotoPage *self)
{
  return self->result_jpeg != NULL &&
         (report_compliant (self->result_report) || self->override_reason != NULL);
}

static void
set_check_message (CheckRow   *r,
                   const char *message)
{
  gtk_label_set_label (r->message, message);
  gtk_widget_set_visible (GTK_WIDGET (r->message), message != NULL);
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (r->row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (r->row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
set_row (CheckRow   *r,
         gboolean    visible,
         RowState    state,
         const char *text)
{
  static const struct {
    const char *icon;
    const char *css;
    const char *label;
  } looks[] = {
    [ROW_NOT_CHECKED] = { "content-loading-symbolic", "dim-label", N_("Not checked") },
    [ROW_PASSED] = { "emblem-ok-symbolic", "success", N_("Passed") },
    [ROW_FAILED] = { "dialog-warning-symbolic", "error", N_("Failed") },
  };

  gtk_widget_set_visible (r->row, visible);
  if (state != r->state)
    {
      if (r->state != ROW_UNSET)
        gtk_widget_remove_css_class (GTK_WIDGET (r->icon), looks[r->state].css);
      gtk_widget_add_css_class (GTK_WIDGET (r->icon), looks[state].css);
      gtk_image_set_from_icon_name (r->icon, looks[state].icon);
      gtk_accessible_update_property (GTK_ACCESSIBLE (r->icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(looks[state].label), -1);
    }
  else if (g_strcmp0 (text, r->text) == 0)
    return;
  r->state = state;
  g_free (r->text);
  r->text = g_strdup (text);
  /* The message of a failed check says what to do: it is shown in full, not in a tooltip. */
  set_check_message (r, state == ROW_FAILED ? text : NULL);
  gtk_widget_set_tooltip_text (r->row, state == ROW_FAILED ? NULL : text);
}

static void
update_rows (PdPhotoPage *self)
{
  const PdPhotoReport *report = shown_report (self);
  guint n_failed = 0;

  for (guint i = 0; i < N_CHECKS; i++)
    {
      CheckRow *r = &self->rows[i];
      const PdPhotoCheck *check = report ? pd_photo_report_find_check (report, check_infos[i].id) : NULL;

      if (check == NULL || !check->measured)
        /* The resolution is judged on the photo taken, not on the preview. */
        set_row (r, g_strcmp0 (check_infos[i].id, PD_PHOTO_CHECK_RESOLUTION) != 0 || report == NULL,
                 ROW_NOT_CHECKED, report != NULL ? _("Checked once a single face is seen") : NULL);
      else if (check->passed)
        set_row (r, TRUE, ROW_PASSED, check->message);
      else
        {
          n_failed++;
          set_row (r, TRUE, ROW_FAILED, check->message);
        }
    }

  if (report == NULL && self->camera == NULL && !self->finding)
    gtk_label_set_label (self->summary_label, _("No camera: import a photo from a file to check it"));
  else if (report == NULL)
    gtk_label_set_label (self->summary_label, _("Waiting for the camera…"));
  else if (n_failed == 0)
    gtk_label_set_label (self->summary_label, self->still ? _("The picture passes every check")
                                                          : _("Every check passes: capture now"));
  else
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (g_dngettext (NULL, "%u check fails: see below what to do",
                                           "%u checks fail: see below what to do", n_failed),
                              n_failed);
      gtk_label_set_label (self->summary_label, text);
    }
}

/* The camera view's status line: the one thing to do now. */
static void
update_camera_status (PdPhotoPage *self)
{
  const PdPhotoCheck *failed;

  if (self->model_state == MODEL_LOADING)
    pd_camera_view_set_status (self->camera_view, _("Loading the face model…"));
  else if (self->model_state != MODEL_READY)
    pd_camera_view_set_status (self->camera_view, NULL);
  else if (self->countdown_source != 0)
    pd_camera_view_set_status (self->camera_view, _("Hold still…"));
  else if (self->report == NULL)
    pd_camera_view_set_status (self->camera_view, _("Place the applicant’s head in the outline"));
  else if ((failed = first_failed (self->report)) != NULL)
    pd_camera_view_set_status (self->camera_view, failed->message);
  else
    pd_camera_view_set_status (self->camera_view, _("Every check passes"));
}

static void
update_result (PdPhotoPage *self)
{
  gtk_widget_set_visible (self->result_column, self->result_jpeg != NULL || self->capturing);
  gtk_picture_set_paintable (self->result_picture, GDK_PAINTABLE (self->result_texture));

  if (self->capturing)
    gtk_label_set_label (self->result_label, _("Cutting the standard photo…"));
  else if (self->result_jpeg == NULL)
    gtk_label_set_label (self->result_label, "");
  else if (report_compliant (self->result_report))
    gtk_label_set_label (self->result_label, _("Meets the standard. Check by eye for glasses, head "
                                               "coverings and hidden ears, then use it."));
  else if (self->override_reason != NULL)
    gtk_label_set_label (self->result_label, _("Checks overridden: the reason is recorded with the "
                                               "photo when the application is saved."));
  else
    {
      const PdPhotoCheck *failed = first_failed (self->result_report);
      g_autofree char *text = g_strdup_printf (_("Does not meet the standard: %s Retake it, or "
                                                 "override the failed checks."),
                                               failed ? failed->message : "");

      gtk_label_set_label (self->result_label, text);
    }
}

static void
update_state (PdPhotoPage *self)
{
  const char *source;
  gboolean failing;

  if (self->still)
    source = "still";
  else if (self->finding)
    source = "finding";
  else if (self->camera == NULL || self->camera_error != NULL)
    source = "no-camera";
  else
    source = "live";
  gtk_stack_set_visible_child_name (self->source_stack, source);
  if (self->finding)
    gtk_spinner_start (self->finding_spinner);
  else
    gtk_spinner_stop (self->finding_spinner);

  switch (self->model_state)
    {
    case MODEL_NONE:
    case MODEL_LOADING:
      gtk_stack_set_visible_child_name (self->checks_stack, "loading");
      gtk_spinner_start (self->loading_spinner);
      gtk_label_set_label (self->summary_label, _("Photo Checks"));
      break;
    case MODEL_FAILED:
      gtk_stack_set_visible_child_name (self->checks_stack, "error");
      gtk_spinner_stop (self->loading_spinner);
      gtk_label_set_label (self->summary_label, _("Photo Checks"));
      break;
    case MODEL_READY:
    default:
      gtk_stack_set_visible_child_name (self->checks_stack, "checks");
      gtk_spinner_stop (self->loading_spinner);
      update_rows (self);
      break;
    }

  pd_head_guide_set_passed (self->guide, report_compliant (shown_report (self)));
  pd_head_guide_set_face (self->guide, self->report ? pd_photo_report_get_face (self->report) : NULL);
  update_camera_status (self);
  update_result (self);

  failing = self->model_state == MODEL_READY && self->override_reason == NULL &&
            ((!self->still && self->report != NULL && !report_compliant (self->report)) ||
             (self->result_report != NULL && !report_compliant (self->result_report)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.capture", can_capture (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.override", failing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.use", can_use (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.retake",
                                 self->result_jpeg != NULL || self->still);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.import",
                                 self->model_state == MODEL_READY && !self->capturing);
  gtk_widget_set_visible (self->back_button, self->still);
  gtk_widget_set_visible (self->capture_button, !self->still);
  gtk_widget_set_visible (GTK_WIDGET (self->camera_dropdown),
                          !self->camera_given && self->devices != NULL && self->devices->len > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->countdown_check), !self->still);
}

/* Analysis of the live frames */

typedef struct
{
  ModelBox       *model;
  PdPhotoProfile *profile;
  GdkPixbuf      *image;
  PdPhotoMode     mode;
  GFile          *file;       /* import: the picture is read in the worker */
  int             still_width;  /* import: the size the picture is shown at, device pixels */
  int             still_height;
} AnalysisData;

static void
analysis_data_free (AnalysisData *data)
{
  g_clear_pointer (&data->model, model_box_unref);
  g_clear_pointer (&data->profile, pd_photo_profile_unref);
  g_clear_object (&data->image);
  g_clear_object (&data->file);
  g_free (data);
}

static AnalysisData *
analysis_data_new (PdPhotoPage *self,
                   GdkPixbuf   *image,
                   PdPhotoMode  mode)
{
  AnalysisData *data = g_new0 (AnalysisData, 1);

  data->model = g_atomic_rc_box_acquire (self->model);
  data->profile = pd_photo_profile_ref (self->profile);
  data->image = image ? g_object_ref (image) : NULL;
  data->mode = mode;
  return data;
}

static void
analyse_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AnalysisData *data = task_data;

  g_task_return_pointer (task, pd_photo_analyze (data->model->model, data->profile, data->image, data->mode),
                         (GDestroyNotify) pd_photo_report_free);
}

static void
analyse_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (object);
  g_autoptr(PdPhotoReport) report = g_task_propagate_pointer (G_TASK (result), NULL);

  if (report == NULL)   /* cancelled: the page is gone */
    return;
  self->analysing = FALSE;
  /* An imported picture took over the list meanwhile. */
  if (!self->still)
    {
      g_clear_pointer (&self->report, pd_photo_report_free);
      self->report = g_steal_pointer (&report);
      update_state (self);
    }
  maybe_analyse (self);
}

static gboolean
analysis_timeout_cb (gpointer user_data)
{
  PdPhotoPage *self = user_data;

  self->analysis_timeout = 0;
  maybe_analyse (self);
  return G_SOURCE_REMOVE;
}

static void
maybe_analyse (PdPhotoPage *self)
{
  g_autoptr(GTask) task = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 next = self->last_analysis + ANALYSIS_INTERVAL_MS * 1000;

  if (self->model_state != MODEL_READY || self->profile == NULL || self->still || self->analysing ||
      self->frame == NULL || self->frame_analysed || self->analysis_timeout != 0)
    return;
  if (now < next)
    {
      self->analysis_timeout = g_timeout_add (MAX (1, (next - now) / 1000), analysis_timeout_cb, self);
      return;
    }

  self->analysing = TRUE;
  self->frame_analysed = TRUE;
  self->last_analysis = now;
  task = g_task_new (self, self->cancellable, analyse_cb, NULL);
  g_task_set_source_tag (task, maybe_analyse);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, analysis_data_new (self, self->frame, PD_PHOTO_MODE_PREVIEW),
                        (GDestroyNotify) analysis_data_free);
  pd_background_run_task (task, analyse_thread);
}

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
    update_state (self);
  maybe_analyse (self);
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
  update_state (self);
}

/* Cameras */

static void
use_camera (PdPhotoPage *self,
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
        start_camera (self);
    }
  update_state (self);
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
    start_camera (self);
}

static void
prepare_gstreamer (PdPhotoPage *self)
{
  if (pd_camera_get_prepared () || self->preparing_gstreamer)
    return;
  self->preparing_gstreamer = TRUE;
  pd_camera_prepare_async (self->cancellable, gstreamer_prepared_cb, g_object_ref (self));
}

static void
start_camera (PdPhotoPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->camera == NULL || pd_camera_get_running (self->camera))
    return;
  if (!pd_camera_get_prepared ())
    {
      /* Not on the UI thread: the page shows at once, the camera a moment later. */
      prepare_gstreamer (self);
      return;
    }
  g_clear_pointer (&self->camera_error, g_free);
  if (!pd_camera_start (self->camera, &error))
    {
      self->camera_error = g_strdup (error->message);
      adw_status_page_set_title (self->no_camera_page, _("The Camera Could Not Be Started"));
      adw_status_page_set_description (self->no_camera_page, error->message);
    }
  update_state (self);
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
  use_camera (self, camera);
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
      update_state (self);
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
      use_camera (self, NULL);
    }
  else
    camera_selected_cb (self, NULL, self->camera_dropdown);
}

static void
find_cameras (PdPhotoPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->finding || self->camera_given)
    return;
  self->finding = TRUE;
  update_state (self);
  task = g_task_new (self, self->cancellable, list_devices_cb, NULL);
  g_task_set_source_tag (task, find_cameras);
  g_task_run_in_thread (task, list_devices_thread);
}

/* Capture and import */

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
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
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
      update_state (self);
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

  update_state (self);
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
  g_task_set_task_data (task, analysis_data_new (self, self->frame, PD_PHOTO_MODE_CAPTURE),
                        (GDestroyNotify) analysis_data_free);
  pd_background_run_task (task, capture_thread);
  update_state (self);
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

static void
capture_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);

  if (!can_capture (self))
    return;
  if (gtk_check_button_get_active (self->countdown_check))
    {
      self->countdown = COUNTDOWN_SECONDS;
      show_countdown (self);
      /* Not g_timeout_add_seconds: it rounds to whole seconds of the clock, so its first tick
       * may come early and the applicant would get less than the promised time. */
      self->countdown_source = g_timeout_add (1000, countdown_cb, self);
      update_state (self);
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
  data = analysis_data_new (self, NULL, PD_PHOTO_MODE_CAPTURE);
  data->file = g_object_ref (file);
  /* The still takes the place of the live picture. */
  data->still_width = gtk_widget_get_width (GTK_WIDGET (self->source_stack)) *
                      gtk_widget_get_scale_factor (GTK_WIDGET (self));
  data->still_height = gtk_widget_get_height (GTK_WIDGET (self->source_stack)) *
                       gtk_widget_get_scale_factor (GTK_WIDGET (self));
  task = g_task_new (self, self->cancellable, capture_cb, GINT_TO_POINTER (TRUE));
  g_task_set_source_tag (task, pd_photo_page_import_file);
  g_task_set_task_data (task, data, (GDestroyNotify) analysis_data_free);
  pd_background_run_task (task, capture_thread);
  update_state (self);
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

static void
import_action (GtkWidget  *widget,
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

static void
clear_result (PdPhotoPage *self)
{
  g_clear_pointer (&self->result_report, pd_photo_report_free);
  g_clear_object (&self->result_texture);
  g_clear_pointer (&self->result_jpeg, g_bytes_unref);
  g_clear_object (&self->still_texture);
  gtk_picture_set_paintable (self->still_picture, NULL);
  self->still = FALSE;
}

static void
retake_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);

  clear_result (self);
  update_state (self);
  maybe_analyse (self);
}

static void
use_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);
  g_autoptr(GBytes) jpeg = NULL;
  g_autofree char *detail = NULL;

  if (!can_use (self))
    return;
  if (!report_compliant (self->result_report))
    {
      g_autofree char *ids = failed_ids (self->result_report);

      detail = g_strdup_printf ("failed=%s; reason=%s", ids, self->override_reason);
    }
  jpeg = g_bytes_ref (self->result_jpeg);
  pd_photo_page_reset (self);
  g_signal_emit (self, signals[PHOTO_ACCEPTED], 0, jpeg, detail);
}

static void
find_cameras_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  find_cameras (PD_PHOTO_PAGE (widget));
}

/* Override */

static void
override_reason_changed_cb (PdPhotoPage *self,
                            GtkEditable *entry)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (self->override_dialog, "override", *reason != '\0');
}

static void
override_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      PdPhotoPage      *self)
{
  if (g_strcmp0 (response, "override") == 0)
    {
      g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (self->override_entry)));

      if (*reason != '\0')
        {
          g_free (self->override_reason);
          self->override_reason = g_steal_pointer (&reason);
        }
    }
  self->override_dialog = NULL;
  self->override_entry = NULL;
  update_state (self);
}

static void
override_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  const PdPhotoReport *report = self->result_report != NULL && !report_compliant (self->result_report)
                                ? self->result_report : self->report;
  g_autoptr(GString) body = g_string_new (_("These checks fail:"));
  GtkWidget *entry;

  if (self->override_dialog != NULL || report == NULL)
    return;

  for (guint i = 0; i < pd_photo_report_get_n_checks (report); i++)
    {
      const PdPhotoCheck *check = pd_photo_report_get_check (report, i);

      if (check->measured && !check->passed)
        for (guint j = 0; j < N_CHECKS; j++)
          if (g_strcmp0 (check_infos[j].id, check->id) == 0)
            g_string_append_printf (body, "\n• %s", _(check_infos[j].title));
    }
  g_string_append (body, "\n\n");
  g_string_append (body, _("Use the photo anyway only when the applicant cannot do better (a medical "
                           "condition, a small child). Your reason is recorded in the audit log: do "
                           "not type the applicant’s personal data."));

  self->override_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                      _("Override the Failed Checks?"),
                                                                      body->str));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason, for example: medical condition"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason for the override"), -1);
  self->override_entry = GTK_EDITABLE (entry);
  adw_message_dialog_set_extra_child (self->override_dialog, entry);
  adw_message_dialog_add_responses (self->override_dialog,
                                    "cancel", _("_Cancel"),
                                    "override", _("_Override"),
                                    NULL);
  adw_message_dialog_set_response_appearance (self->override_dialog, "override", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (self->override_dialog, "override", FALSE);
  adw_message_dialog_set_default_response (self->override_dialog, "override");
  adw_message_dialog_set_close_response (self->override_dialog, "cancel");
  g_signal_connect_object (entry, "changed", G_CALLBACK (override_reason_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->override_dialog, "response", G_CALLBACK (override_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->override_dialog));
  gtk_widget_grab_focus (entry);
}

/* The face model */

static void
model_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PdPhotoPage) self = user_data;
  g_autoptr(GError) error = NULL;
  PdFaceModel *model = pd_face_model_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (model == NULL)
    {
      g_autofree char *description = NULL;

      g_warning ("Cannot load the face model: %s", error->message);
      /* The core's message names the file and the package to install. */
      description = g_strdup_printf (_("%s Then start Passdesk again."), error->message);
      adw_status_page_set_description (self->model_error_page, description);
      self->model_state = MODEL_FAILED;
      update_state (self);
      return;
    }

  g_clear_pointer (&self->model, model_box_unref);
  self->model = g_atomic_rc_box_new0 (ModelBox);
  self->model->model = model;
  self->model_state = MODEL_READY;
  update_state (self);
  maybe_analyse (self);
}

void
pd_photo_page_load_model (PdPhotoPage *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PD_IS_PHOTO_PAGE (self));
  g_return_if_fail (self->profile != NULL);

  if (self->model_state == MODEL_LOADING || self->model_state == MODEL_READY)
    return;
  path = pd_face_model_resolve_path (self->profile->model_path);
  self->model_state = MODEL_LOADING;
  update_state (self);
  pd_face_model_load_async (path, self->cancellable, model_loaded_cb, g_object_ref (self));
  /* GStreamer too, for the first applicant: the code reader's camera needs it as well. */
  prepare_gstreamer (self);
}

/* The rest of the API */

void
pd_photo_page_show_error (PdPhotoPage *self,
                          const char  *description)
{
  g_return_if_fail (PD_IS_PHOTO_PAGE (self));

  adw_status_page_set_description (self->model_error_page, description);
  self->model_state = MODEL_FAILED;
  update_state (self);
}

PdPhotoProfile *
pd_photo_page_get_profile (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return self->profile;
}

void
pd_photo_page_set_profile (PdPhotoPage    *self,
                           PdPhotoProfile *profile)
{
  g_return_if_fail (PD_IS_PHOTO_PAGE (self));
  g_return_if_fail (profile != NULL);

  if (self->profile == profile)
    return;
  g_clear_pointer (&self->profile, pd_photo_profile_unref);
  self->profile = pd_photo_profile_ref (profile);
  pd_head_guide_set_profile (self->guide, profile);
  /* Reports against the former rules no longer say anything. */
  g_clear_pointer (&self->report, pd_photo_report_free);
  clear_result (self);
  self->frame_analysed = FALSE;
  update_state (self);
  maybe_analyse (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

void
pd_photo_page_set_camera (PdPhotoPage *self,
                          PdCamera    *camera)
{
  g_return_if_fail (PD_IS_PHOTO_PAGE (self));
  g_return_if_fail (camera == NULL || PD_IS_CAMERA (camera));

  self->camera_given = camera != NULL;
  if (camera == NULL)
    {
      use_camera (self, NULL);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        find_cameras (self);
      return;
    }
  use_camera (self, camera);
}

void
pd_photo_page_reset (PdPhotoPage *self)
{
  g_return_if_fail (PD_IS_PHOTO_PAGE (self));

  g_clear_handle_id (&self->countdown_source, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
  g_clear_pointer (&self->override_reason, g_free);
  clear_result (self);
  update_state (self);
  maybe_analyse (self);
}

const PdPhotoReport *
pd_photo_page_get_report (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return shown_report (self);
}

gboolean
pd_photo_page_get_model_ready (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), FALSE);
  return self->model_state == MODEL_READY;
}

const char *
pd_photo_page_get_error (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return self->model_state == MODEL_FAILED ? adw_status_page_get_description (self->model_error_page) : NULL;
}

const char *
pd_photo_page_get_check_message (PdPhotoPage *self,
                                 const char  *id)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);

  for (guint i = 0; i < N_CHECKS; i++)
    if (g_strcmp0 (check_infos[i].id, id) == 0)
      return gtk_widget_get_visible (GTK_WIDGET (self->rows[i].message))
             ? gtk_label_get_label (self->rows[i].message) : NULL;
  return NULL;
}

gboolean
pd_photo_page_get_capture_enabled (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), FALSE);
  return gtk_widget_get_sensitive (self->capture_button) && gtk_widget_is_sensitive (self->capture_button) &&
         can_capture (self);
}

GdkTexture *
pd_photo_page_get_result (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return self->result_texture;
}

GBytes *
pd_photo_page_get_result_jpeg (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return self->result_jpeg;
}

AdwMessageDialog *
pd_photo_page_get_override_dialog (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return self->override_dialog;
}

GtkEditable *
pd_photo_page_get_override_entry (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return self->override_entry;
}

GtkCheckButton *
pd_photo_page_get_countdown_check (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return self->countdown_check;
}

const char *
pd_photo_page_get_source_state (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->source_stack);
}

/* GObject */

static void
pd_photo_page_map (GtkWidget *widget)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);

  GTK_WIDGET_CLASS (pd_photo_page_parent_class)->map (widget);

  /* The camera is held only while the page shows: the code reader may need it meanwhile. */
  if (self->camera != NULL)
    start_camera (self);
  else if (self->devices == NULL)
    find_cameras (self);
}

static void
pd_photo_page_unmap (GtkWidget *widget)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);

  g_clear_handle_id (&self->countdown_source, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
  if (self->camera != NULL)
    pd_camera_stop (self->camera);
  GTK_WIDGET_CLASS (pd_photo_page_parent_class)->unmap (widget);
}

static void
pd_photo_page_dispose (GObject *object)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->analysis_timeout, g_source_remove);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->override_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->override_dialog));
  if (self->camera != NULL)
    {
      pd_camera_stop (self->camera);
      g_signal_handlers_disconnect_by_data (self->camera, self);
      g_clear_object (&self->camera);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_PHOTO_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pd_photo_page_parent_class)->dispose (object);
}

static void
pd_photo_page_finalize (GObject *object)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->profile, pd_photo_profile_unref);
  g_clear_pointer (&self->model, model_box_unref);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->camera_error, g_free);
  g_clear_object (&self->frame);
  g_clear_pointer (&self->report, pd_photo_report_free);
  g_clear_pointer (&self->result_report, pd_photo_report_free);
  g_clear_object (&self->result_texture);
  g_clear_pointer (&self->result_jpeg, g_bytes_unref);
  g_clear_object (&self->still_texture);
  g_clear_pointer (&self->override_reason, g_free);
  for (guint i = 0; i < N_CHECKS; i++)
    g_clear_pointer (&self->rows[i].text, g_free);

  G_OBJECT_CLASS (pd_photo_page_parent_class)->finalize (object);
}

static void
pd_photo_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_photo_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      pd_photo_page_set_profile (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_photo_page_class_init (PdPhotoPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_photo_page_dispose;
  object_class->finalize = pd_photo_page_finalize;
  object_class->get_property = pd_photo_page_get_property;
  object_class->set_property = pd_photo_page_set_property;

  widget_class->map = pd_photo_page_map;
  widget_class->unmap = pd_photo_page_unmap;

  properties[PROP_PROFILE] =
    g_param_spec_boxed ("profile", NULL, NULL, PD_TYPE_PHOTO_PROFILE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PHOTO_ACCEPTED] =
    g_signal_new ("photo-accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_STRING);

  g_type_ensure (PD_TYPE_CAMERA_VIEW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-photo-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, source_stack);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, finding_spinner);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, no_camera_page);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, camera_view);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, still_picture);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, camera_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, countdown_check);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, capture_button);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, override_button);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, result_column);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, result_picture);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, result_label);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, checks_stack);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, model_error_page);
  gtk_widget_class_bind_template_child (widget_class, PdPhotoPage, check_list);

  gtk_widget_class_install_action (widget_class, "photo.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "photo.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "photo.override", NULL, override_action);
  gtk_widget_class_install_action (widget_class, "photo.use", NULL, use_action);
  gtk_widget_class_install_action (widget_class, "photo.retake", NULL, retake_action);
  gtk_widget_class_install_action (widget_class, "photo.find-cameras", NULL, find_cameras_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "photo.capture", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "photo.import", NULL);
}

static void
pd_photo_page_init (PdPhotoPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  self->guide = PD_HEAD_GUIDE (pd_head_guide_new ());
  pd_camera_view_set_guide (self->camera_view, GTK_WIDGET (self->guide));

  for (guint i = 0; i < N_CHECKS; i++)
    {
      CheckRow *r = &self->rows[i];

      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
      GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *title = gtk_label_new (_(check_infos[i].title));

      r->row = gtk_list_box_row_new ();
      r->icon = GTK_IMAGE (gtk_image_new ());
      r->message = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_margin_top (box, 7);
      gtk_widget_set_margin_bottom (box, 7);
      gtk_widget_set_valign (GTK_WIDGET (r->icon), GTK_ALIGN_START);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_xalign (r->message, 0);
      gtk_label_set_wrap (r->message, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (r->message), "caption");
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (text), title);
      gtk_box_append (GTK_BOX (text), GTK_WIDGET (r->message));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (r->icon));
      gtk_box_append (GTK_BOX (box), text);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (r->row), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (r->row), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (r->row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(check_infos[i].title), -1);
      set_check_message (r, NULL);
      gtk_list_box_append (self->check_list, r->row);
    }

  g_signal_connect_object (self->camera_dropdown, "notify::selected",
                           G_CALLBACK (camera_selected_cb), self, G_CONNECT_SWAPPED);
  update_state (self);
}
