/* pd-face-match-panel.c: compares the photo taken now with the chip's in the background and audits the officer's decision. */
#define G_LOG_DOMAIN "pd-face-match-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-background.h"
#include "pd-face-match-panel.h"

#define DEFAULT_PROFILE "vn-passport"

struct _PdFaceMatchPanel
{
  GtkWidget       parent_instance;

  GtkPicture     *captured_picture;
  GtkPicture     *chip_picture;
  GtkSpinner     *spinner;
  GtkLabel       *verdict_label;
  GtkLabel       *detail_label;

  PdStore        *store;
  char           *actor;
  char           *subject;
  PdPhotoProfile *profile;

  /* Loaded once, on the first pair; a comparison running in a worker holds a reference on the
   * panel, so the model is freed only in finalize. */
  PdFaceModel    *model;
  gboolean        model_loading;
  GdkPixbuf      *captured;
  GdkPixbuf      *chip;
  GCancellable   *cancellable;   /* the current pair's comparison */
  gboolean        has_match;
  PdFaceMatch     match;
  gboolean        comparing;
  gboolean        recording;
  gboolean        decided;
};

G_DEFINE_FINAL_TYPE (PdFaceMatchPanel, pd_face_match_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_ACTOR,
  PROP_SUBJECT,
  PROP_PROFILE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void compare_current (PdFaceMatchPanel *self);

gboolean
pd_face_match_panel_get_busy (PdFaceMatchPanel *self)
{
  g_return_val_if_fail (PD_IS_FACE_MATCH_PANEL (self), FALSE);

  return self->comparing || self->recording;
}

static void
set_state (PdFaceMatchPanel *self,
           gboolean          comparing,
           gboolean          recording)
{
  gboolean was_busy = pd_face_match_panel_get_busy (self);

  self->comparing = comparing;
  self->recording = recording;
  gtk_spinner_set_spinning (self->spinner, comparing || recording);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), comparing || recording);
  /* The officer decides once the software has given its advice, or has said it cannot. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "face-match.confirm",
                                 !comparing && !recording && !self->decided && self->captured != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "face-match.refuse",
                                 !comparing && !recording && !self->decided && self->captured != NULL);
  if (was_busy != pd_face_match_panel_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_verdict (PdFaceMatchPanel *self,
              const char       *verdict,
              const char       *style,
              const char       *detail)
{
  GtkWidget *label = GTK_WIDGET (self->verdict_label);

  gtk_label_set_text (self->verdict_label, verdict);
  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "warning");
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  gtk_label_set_text (self->detail_label, detail);
}

/* A copy that fits the picture's 240 × 300 px, so both photos show at the same size whatever
 * their resolution; the comparison uses the originals. */
static GdkTexture *
shown_texture (GdkPixbuf *photo)
{
  int width = gdk_pixbuf_get_width (photo), height = gdk_pixbuf_get_height (photo);
  double scale = MIN (1, MIN (240.0 / width, 300.0 / height));
  g_autoptr(GdkPixbuf) shown = gdk_pixbuf_scale_simple (photo, MAX (1, (int) (width * scale)),
                                                        MAX (1, (int) (height * scale)),
                                                        GDK_INTERP_BILINEAR);

  return gdk_texture_new_for_pixbuf (shown);
}

static void
compared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PdFaceMatchPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  PdFaceMatch match;

  if (!pd_face_compare_images_finish (result, &match, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_state (self, FALSE, FALSE);
      if (g_error_matches (error, PD_FACE_ERROR, PD_FACE_ERROR_NO_FACE_FIRST))
        show_verdict (self, _("No face found in the photo taken now"), "warning",
                      _("Take the photo again with the face clearly visible, or compare by eye."));
      else if (g_error_matches (error, PD_FACE_ERROR, PD_FACE_ERROR_NO_FACE_SECOND))
        show_verdict (self, _("No face found in the photo on the chip"), "warning",
                      _("Compare the person with the chip's photo by eye."));
      else
        show_verdict (self, _("The photos could not be compared"), "warning", error->message);
      return;
    }

  self->has_match = TRUE;
  self->match = match;
  set_state (self, FALSE, FALSE);
  /* TRANSLATORS: the distance between two faces and the largest at which they count as one person */
  detail = g_strdup_printf (_("Distance %.2f (same person below %.2f). The software advises; you decide."),
                            match.distance, match.threshold);
  if (match.same_person)
    show_verdict (self, _("Same person"), "success", detail);
  else
    show_verdict (self, _("Not the same person"), "error", detail);
}

static void
model_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PdFaceMatchPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  self->model_loading = FALSE;
  self->model = pd_face_model_load_finish (result, &error);
  if (self->model == NULL)
    {
      set_state (self, FALSE, FALSE);
      show_verdict (self, _("The photos could not be compared"), "warning", error->message);
      return;
    }
  compare_current (self);
}

static gboolean
ensure_profile (PdFaceMatchPanel  *self,
                GError           **error)
{
  if (self->profile == NULL)
    self->profile = pd_photo_profile_load (DEFAULT_PROFILE, error);
  return self->profile != NULL;
}

static void
compare_current (PdFaceMatchPanel *self)
{
  g_autoptr(GError) error = NULL;

  if (self->captured == NULL || self->model_loading)
    return;
  if (!ensure_profile (self, &error))
    {
      set_state (self, FALSE, FALSE);
      show_verdict (self, _("The photos could not be compared"), "warning", error->message);
      return;
    }
  if (self->model == NULL)
    {
      g_autofree char *path = pd_face_model_resolve_path (self->profile->model_path);

      self->model_loading = TRUE;
      pd_face_model_load_async (path, NULL, model_loaded_cb, g_object_ref (self));
      return;
    }
  pd_face_compare_images_async (self->model, self->profile, self->captured, self->chip,
                                self->cancellable, compared_cb, g_object_ref (self));
}

void
pd_face_match_panel_set_photos (PdFaceMatchPanel *self,
                                GdkPixbuf        *captured,
                                GdkPixbuf        *chip)
{
  g_autoptr(GdkTexture) captured_texture = NULL;
  g_autoptr(GdkTexture) chip_texture = NULL;

  g_return_if_fail (PD_IS_FACE_MATCH_PANEL (self));
  g_return_if_fail (GDK_IS_PIXBUF (captured) && GDK_IS_PIXBUF (chip));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->captured, captured);
  g_set_object (&self->chip, chip);
  self->has_match = FALSE;
  self->decided = FALSE;

  captured_texture = shown_texture (captured);
  chip_texture = shown_texture (chip);
  gtk_picture_set_paintable (self->captured_picture, GDK_PAINTABLE (captured_texture));
  gtk_picture_set_paintable (self->chip_picture, GDK_PAINTABLE (chip_texture));
  show_verdict (self, _("Comparing the faces…"), NULL, "");
  set_state (self, TRUE, self->recording);
  compare_current (self);
}

gboolean
pd_face_match_panel_get_match (PdFaceMatchPanel *self,
                               PdFaceMatch      *match)
{
  g_return_val_if_fail (PD_IS_FACE_MATCH_PANEL (self), FALSE);

  if (self->has_match && match != NULL)
    *match = self->match;
  return self->has_match;
}

typedef struct {
  PdStore     *store;
  char        *actor;
  char        *subject;
  gboolean     same_person;
  gboolean     has_match;
  PdFaceMatch  match;
} Decision;

static void
decision_free (Decision *decision)
{
  g_clear_object (&decision->store);
  g_free (decision->actor);
  g_free (decision->subject);
  g_free (decision);
}

static void
record_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Decision *d = task_data;
  GError *error = NULL;

  if (pd_face_match_audit (d->store, d->actor, d->subject, d->same_person,
                           d->has_match ? &d->match : NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
recorded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PdFaceMatchPanel *self = PD_FACE_MATCH_PANEL (source);
  Decision *d = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      set_state (self, self->comparing, FALSE);
      gtk_label_set_text (self->detail_label, error->message);
      return;
    }
  self->decided = TRUE;
  set_state (self, self->comparing, FALSE);
  gtk_label_set_text (self->detail_label,
                      d->same_person ? _("Recorded: you confirmed the same person.")
                                     : _("Recorded: you judged them not the same person."));
  g_signal_emit (self, signals[DECIDED], 0, d->same_person);
}

static void
decide (PdFaceMatchPanel *self,
        gboolean          same_person)
{
  g_autoptr(GTask) task = NULL;
  Decision *d;

  if (self->store == NULL)
    {
      g_warning ("PdFaceMatchPanel has no store to audit the decision in");
      return;
    }
  d = g_new0 (Decision, 1);
  d->store = g_object_ref (self->store);
  d->actor = g_strdup (self->actor);
  d->subject = g_strdup (self->subject);
  d->same_person = same_person;
  d->has_match = self->has_match;
  d->match = self->match;
  task = g_task_new (self, NULL, recorded_cb, NULL);
  g_task_set_source_tag (task, decide);
  g_task_set_task_data (task, d, (GDestroyNotify) decision_free);
  set_state (self, self->comparing, TRUE);
  pd_background_run_task (task, record_thread);
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  decide (PD_FACE_MATCH_PANEL (widget), TRUE);
}

static void
refuse_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  decide (PD_FACE_MATCH_PANEL (widget), FALSE);
}

GtkWidget *
pd_face_match_panel_new (void)
{
  return g_object_new (PD_TYPE_FACE_MATCH_PANEL, NULL);
}

static void
pd_face_match_panel_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PdFaceMatchPanel *self = PD_FACE_MATCH_PANEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, pd_face_match_panel_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (PdFaceMatchPanel *self,
            char            **field,
            const GValue     *value,
            guint             prop)
{
  if (g_strcmp0 (*field, g_value_get_string (value)) == 0)
    return;
  g_free (*field);
  *field = g_value_dup_string (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
pd_face_match_panel_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PdFaceMatchPanel *self = PD_FACE_MATCH_PANEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      if (g_set_object (&self->store, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_ACTOR:
      set_string (self, &self->actor, value, PROP_ACTOR);
      break;
    case PROP_SUBJECT:
      set_string (self, &self->subject, value, PROP_SUBJECT);
      break;
    case PROP_PROFILE:
      if (self->profile != g_value_get_boxed (value))
        {
          g_clear_pointer (&self->profile, pd_photo_profile_unref);
          self->profile = g_value_dup_boxed (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_face_match_panel_dispose (GObject *object)
{
  PdFaceMatchPanel *self = PD_FACE_MATCH_PANEL (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_FACE_MATCH_PANEL);
  /* GTK 4.8 leaves the template's unnamed top box parented. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (pd_face_match_panel_parent_class)->dispose (object);
}

static void
pd_face_match_panel_finalize (GObject *object)
{
  PdFaceMatchPanel *self = PD_FACE_MATCH_PANEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->captured);
  g_clear_object (&self->chip);
  g_clear_pointer (&self->model, pd_face_model_free);
  g_clear_pointer (&self->profile, pd_photo_profile_unref);
  g_free (self->actor);
  g_free (self->subject);
  G_OBJECT_CLASS (pd_face_match_panel_parent_class)->finalize (object);
}

static void
pd_face_match_panel_class_init (PdFaceMatchPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = pd_face_match_panel_get_property;
  object_class->set_property = pd_face_match_panel_set_property;
  object_class->dispose = pd_face_match_panel_dispose;
  object_class->finalize = pd_face_match_panel_finalize;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE] =
    g_param_spec_boxed ("profile", NULL, NULL, PD_TYPE_PHOTO_PROFILE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (same_person): the officer's decision, already in the audit log. */
  signals[DECIDED] = g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-face-match-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, PdFaceMatchPanel, captured_picture);
  gtk_widget_class_bind_template_child (widget_class, PdFaceMatchPanel, chip_picture);
  gtk_widget_class_bind_template_child (widget_class, PdFaceMatchPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, PdFaceMatchPanel, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, PdFaceMatchPanel, detail_label);
  gtk_widget_class_install_action (widget_class, "face-match.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "face-match.refuse", NULL, refuse_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pd_face_match_panel_init (PdFaceMatchPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  set_state (self, FALSE, FALSE);
}
