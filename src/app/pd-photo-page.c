/* pd-photo-page.c: taking the applicant's photo (pd-photo-page.h): the widget, its state and
 * actions, the override of failed checks and the face model. The live checks, the camera and
 * the capture live in pd-photo-page-checks.c, -camera.c and -capture.c.
 */
#define G_LOG_DOMAIN "pd-photo-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-photo-page-internal.h"

static void
model_box_clear (gpointer data)
{
  ModelBox *box = data;

  g_clear_pointer (&box->model, pd_face_model_free);
}

void
_pd_photo_page_model_box_unref (ModelBox *box)
{
  g_atomic_rc_box_release_full (box, model_box_clear);
}

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

GtkWidget *
pd_photo_page_new (void)
{
  return g_object_new (PD_TYPE_PHOTO_PAGE, NULL);
}

gboolean
_pd_photo_page_can_capture (PdPhotoPage *self)
{
  return self->model_state == MODEL_READY && !self->still && self->frame != NULL &&
         self->countdown_source == 0 && !self->capturing &&
         g_strcmp0 (gtk_stack_get_visible_child_name (self->source_stack), "live") == 0 &&
         (_pd_photo_page_report_compliant (self->report) || (self->report != NULL && self->override_reason != NULL));
}

static gboolean
can_use (PdPhotoPage *self)
{
  return self->result_jpeg != NULL &&
         (_pd_photo_page_report_compliant (self->result_report) || self->override_reason != NULL);
}

void
_pd_photo_page_update_state (PdPhotoPage *self)
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
      _pd_photo_page_update_rows (self);
      break;
    }

  pd_head_guide_set_passed (self->guide, _pd_photo_page_report_compliant (_pd_photo_page_shown_report (self)));
  pd_head_guide_set_face (self->guide, self->report ? pd_photo_report_get_face (self->report) : NULL);
  _pd_photo_page_update_camera_status (self);
  _pd_photo_page_update_result (self);

  failing = self->model_state == MODEL_READY && self->override_reason == NULL &&
            ((!self->still && self->report != NULL && !_pd_photo_page_report_compliant (self->report)) ||
             (self->result_report != NULL && !_pd_photo_page_report_compliant (self->result_report)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.capture", _pd_photo_page_can_capture (self));
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
  _pd_photo_page_update_state (self);
  _pd_photo_page_maybe_analyse (self);
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
  if (!_pd_photo_page_report_compliant (self->result_report))
    {
      g_autofree char *ids = _pd_photo_page_failed_ids (self->result_report);

      detail = g_strdup_printf ("failed=%s; reason=%s", ids, self->override_reason);
    }
  jpeg = g_bytes_ref (self->result_jpeg);
  pd_photo_page_reset (self);
  g_signal_emit (self, signals[PHOTO_ACCEPTED], 0, jpeg, detail);
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
  _pd_photo_page_update_state (self);
}

static void
override_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PdPhotoPage *self = PD_PHOTO_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  const PdPhotoReport *report = self->result_report != NULL && !_pd_photo_page_report_compliant (self->result_report)
                                ? self->result_report : self->report;
  g_autoptr(GString) body = g_string_new (_("These checks fail:"));
  GtkWidget *entry;

  if (self->override_dialog != NULL || report == NULL)
    return;

  for (guint i = 0; i < pd_photo_report_get_n_checks (report); i++)
    {
      const PdPhotoCheck *check = pd_photo_report_get_check (report, i);
      const char *title = _pd_photo_page_check_title (check->id);

      if (check->measured && !check->passed && title != NULL)
        g_string_append_printf (body, "\n• %s", title);
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
      _pd_photo_page_update_state (self);
      return;
    }

  g_clear_pointer (&self->model, _pd_photo_page_model_box_unref);
  self->model = g_atomic_rc_box_new0 (ModelBox);
  self->model->model = model;
  self->model_state = MODEL_READY;
  _pd_photo_page_update_state (self);
  _pd_photo_page_maybe_analyse (self);
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
  _pd_photo_page_update_state (self);
  pd_face_model_load_async (path, self->cancellable, model_loaded_cb, g_object_ref (self));
  /* GStreamer too, for the first applicant: the code reader's camera needs it as well. */
  _pd_photo_page_prepare_gstreamer (self);
}

/* The rest of the API */

void
pd_photo_page_show_error (PdPhotoPage *self,
                          const char  *description)
{
  g_return_if_fail (PD_IS_PHOTO_PAGE (self));

  adw_status_page_set_description (self->model_error_page, description);
  self->model_state = MODEL_FAILED;
  _pd_photo_page_update_state (self);
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
  _pd_photo_page_update_state (self);
  _pd_photo_page_maybe_analyse (self);
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
      _pd_photo_page_use_camera (self, NULL);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        _pd_photo_page_find_cameras (self);
      return;
    }
  _pd_photo_page_use_camera (self, camera);
}

void
pd_photo_page_reset (PdPhotoPage *self)
{
  g_return_if_fail (PD_IS_PHOTO_PAGE (self));

  g_clear_handle_id (&self->countdown_source, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
  g_clear_pointer (&self->override_reason, g_free);
  clear_result (self);
  _pd_photo_page_update_state (self);
  _pd_photo_page_maybe_analyse (self);
}

const PdPhotoReport *
pd_photo_page_get_report (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), NULL);
  return _pd_photo_page_shown_report (self);
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

gboolean
pd_photo_page_get_capture_enabled (PdPhotoPage *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_PAGE (self), FALSE);
  return gtk_widget_get_sensitive (self->capture_button) && gtk_widget_is_sensitive (self->capture_button) &&
         _pd_photo_page_can_capture (self);
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
    _pd_photo_page_start_camera (self);
  else if (self->devices == NULL)
    _pd_photo_page_find_cameras (self);
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
  g_clear_pointer (&self->model, _pd_photo_page_model_box_unref);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->camera_error, g_free);
  g_clear_object (&self->frame);
  g_clear_pointer (&self->report, pd_photo_report_free);
  g_clear_pointer (&self->result_report, pd_photo_report_free);
  g_clear_object (&self->result_texture);
  g_clear_pointer (&self->result_jpeg, g_bytes_unref);
  g_clear_object (&self->still_texture);
  g_clear_pointer (&self->override_reason, g_free);
  for (guint i = 0; i < PD_PHOTO_PAGE_N_CHECKS; i++)
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

  gtk_widget_class_install_action (widget_class, "photo.capture", NULL, _pd_photo_page_capture_action);
  gtk_widget_class_install_action (widget_class, "photo.import", NULL, _pd_photo_page_import_action);
  gtk_widget_class_install_action (widget_class, "photo.override", NULL, override_action);
  gtk_widget_class_install_action (widget_class, "photo.use", NULL, use_action);
  gtk_widget_class_install_action (widget_class, "photo.retake", NULL, retake_action);
  gtk_widget_class_install_action (widget_class, "photo.find-cameras", NULL, _pd_photo_page_find_cameras_action);

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

  _pd_photo_page_init_checks (self);
  _pd_photo_page_init_cameras (self);
  _pd_photo_page_update_state (self);
}
