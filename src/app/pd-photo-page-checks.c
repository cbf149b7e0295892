/* pd-photo-page-checks.c: the photo page's live feedback: the newest frame checked in a worker
 * several times a second, and the check list and status line that show the result.
 *
 * Frames come from PdCamera on the main context. The newest one is analysed in a worker
 * thread, one analysis at a time and at most ANALYSIS_INTERVAL_MS apart: frames that arrive
 * meanwhile replace each other, so the checks never lag behind the picture.
 */
#define G_LOG_DOMAIN "pd-photo-page"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-background.h"
#include "pd-photo-page-internal.h"

/* Five times a second: the list follows the applicant's movements without a lag. */
#define ANALYSIS_INTERVAL_MS 200

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

G_STATIC_ASSERT (G_N_ELEMENTS (check_infos) == PD_PHOTO_PAGE_N_CHECKS);

gboolean
_pd_photo_page_report_compliant (const PdPhotoReport *report)
{
  return report != NULL && pd_photo_report_is_compliant (report);
}

/* The ids of the failed checks, comma-separated. */
char *
_pd_photo_page_failed_ids (const PdPhotoReport *report)
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

const PdPhotoCheck *
_pd_photo_page_first_failed (const PdPhotoReport *report)
{
  for (guint i = 0; i < pd_photo_report_get_n_checks (report); i++)
    if (pd_photo_report_get_check (report, i)->measured && !pd_photo_report_get_check (report, i)->passed)
      return pd_photo_report_get_check (report, i);
  return NULL;
}

/* The check list shows the live frame's report, or the imported picture's. */
const PdPhotoReport *
_pd_photo_page_shown_report (PdPhotoPage *self)
{
  return self->still ? self->result_report : self->report;
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

void
_pd_photo_page_update_rows (PdPhotoPage *self)
{
  const PdPhotoReport *report = _pd_photo_page_shown_report (self);
  guint n_failed = 0;

  for (guint i = 0; i < PD_PHOTO_PAGE_N_CHECKS; i++)
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
void
_pd_photo_page_update_camera_status (PdPhotoPage *self)
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
  else if ((failed = _pd_photo_page_first_failed (self->report)) != NULL)
    pd_camera_view_set_status (self->camera_view, failed->message);
  else
    pd_camera_view_set_status (self->camera_view, _("Every check passes"));
}

/* Analysis of the live frames */

void
_pd_photo_page_analysis_data_free (AnalysisData *data)
{
  g_clear_pointer (&data->model, _pd_photo_page_model_box_unref);
  g_clear_pointer (&data->profile, pd_photo_profile_unref);
  g_clear_object (&data->image);
  g_clear_object (&data->file);
  g_free (data);
}

AnalysisData *
_pd_photo_page_analysis_data_new (PdPhotoPage *self,
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
      _pd_photo_page_update_state (self);
    }
  _pd_photo_page_maybe_analyse (self);
}

static gboolean
analysis_timeout_cb (gpointer user_data)
{
  PdPhotoPage *self = user_data;

  self->analysis_timeout = 0;
  _pd_photo_page_maybe_analyse (self);
  return G_SOURCE_REMOVE;
}

void
_pd_photo_page_maybe_analyse (PdPhotoPage *self)
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
  g_task_set_source_tag (task, _pd_photo_page_maybe_analyse);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, _pd_photo_page_analysis_data_new (self, self->frame, PD_PHOTO_MODE_PREVIEW),
                        (GDestroyNotify) _pd_photo_page_analysis_data_free);
  pd_background_run_task (task, analyse_thread);
}

/* The title of check @id (a PD_PHOTO_CHECK_* id), translated, or NULL. */
const char *
_pd_photo_page_check_title (const char *id)
{
  for (guint i = 0; i < PD_PHOTO_PAGE_N_CHECKS; i++)
    if (g_strcmp0 (check_infos[i].id, id) == 0)
      return _(check_infos[i].title);
  return NULL;
}

const char *
pd_photo_page_get_check_message (PdPhotoPage *self,
                                 const char  *id)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);

  for (guint i = 0; i < PD_PHOTO_PAGE_N_CHECKS; i++)
    if (g_strcmp0 (check_infos[i].id, id) == 0)
      return gtk_widget_get_visible (GTK_WIDGET (self->rows[i].message))
             ? gtk_label_get_label (self->rows[i].message) : NULL;
  return NULL;
}

/* Builds the rows of the check list, one per check, in the order of the report. */
void
_pd_photo_page_init_checks (PdPhotoPage *self)
{
  for (guint i = 0; i < PD_PHOTO_PAGE_N_CHECKS; i++)
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
}
