/* pd-scan-input.c: scans from readers that type like a keyboard, told apart from a person typing. */
#define G_LOG_DOMAIN "pd-scan-input"

#include "config.h"

#include "pd-scan-input.h"
#include "pd-scan-router.h"

/* Keys that pass on before a burst is taken for a reader's: see pd-scan-input.h. */
#define N_PASSED_KEYS 2

struct _PdScanInput
{
  GObject             parent_instance;

  GtkWidget          *widget;         /* unowned: it owns the controller, which refs us */
  guint               max_gap;
  guint               min_length;
  guint               line_gap;

  /* The burst being typed. */
  gboolean            active;
  guint32             last_time;
  GString            *text;           /* every character of the burst, lines ended by \n */
  guint               n_chars;        /* characters of @text, line ends not counted */
  guint               n_passed;       /* leading keys that went on to the focused widget */
  GString            *taken;          /* the keys taken and not yet known to be a scan */
  gboolean            at_line_end;    /* the last key was an Enter we took */
  GWeakRef            target;         /* the widget focused when the burst began */
  char               *target_text;    /* its text then, when it is editable */
  int                 target_position;
  guint               timeout_id;
};

G_DEFINE_FINAL_TYPE (PdScanInput, pd_scan_input, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_GAP,
  PROP_MIN_LENGTH,
  PROP_LINE_GAP,
  N_PROPS
};

enum {
  SCANNED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
reset (PdScanInput *self)
{
  self->active = FALSE;
  self->n_chars = 0;
  self->n_passed = 0;
  self->at_line_end = FALSE;
  g_string_truncate (self->text, 0);
  g_string_truncate (self->taken, 0);
  g_weak_ref_set (&self->target, NULL);
  g_clear_pointer (&self->target_text, g_free);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

static GtkWidget *
get_focus (PdScanInput *self)
{
  GtkRoot *root = gtk_widget_get_root (self->widget);

  return root ? gtk_root_get_focus (root) : NULL;
}

static void
type_into_target (PdScanInput *self,
                  const char  *text)
{
  g_autoptr(GtkWidget) target = g_weak_ref_get (&self->target);

  if (target == NULL || target != get_focus (self) || *text == '\0')
    return;

  if (GTK_IS_EDITABLE (target) && gtk_editable_get_editable (GTK_EDITABLE (target)))
    {
      GtkEditable *editable = GTK_EDITABLE (target);
      int position;

      gtk_editable_delete_selection (editable);
      position = gtk_editable_get_position (editable);
      gtk_editable_insert_text (editable, text, -1, &position);
      gtk_editable_set_position (editable, position);
    }
  else if (GTK_IS_TEXT_VIEW (target) && gtk_text_view_get_editable (GTK_TEXT_VIEW (target)))
    gtk_text_buffer_insert_interactive_at_cursor (gtk_text_view_get_buffer (GTK_TEXT_VIEW (target)),
                                                  text, -1, TRUE);
}

/* The keys that passed on before the burst was known to be a scan are taken back. */
static void
restore_target (PdScanInput *self)
{
  g_autoptr(GtkWidget) target = g_weak_ref_get (&self->target);

  if (target == NULL || self->n_passed == 0 || self->target_text == NULL || !GTK_IS_EDITABLE (target))
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (target)), self->target_text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (target), self->target_text);
  gtk_editable_set_position (GTK_EDITABLE (target), self->target_position);
}

static void
emit_scan (PdScanInput *self)
{
  g_autofree char *text = NULL;

  while (self->text->len > 0 && self->text->str[self->text->len - 1] == '\n')
    g_string_truncate (self->text, self->text->len - 1);
  text = g_strdup (self->text->str);
  restore_target (self);
  reset (self);
  g_signal_emit (self, signals[SCANNED], 0, text);
}

/* The burst is over without a scan being recognised: what was taken was typed. */
static void
end_burst (PdScanInput *self)
{
  if (!self->active)
    return;
  /* Whole lines ended by Enter were read, and their reader then went quiet. */
  if (self->at_line_end && self->n_chars >= self->min_length)
    {
      emit_scan (self);
      return;
    }
  type_into_target (self, self->taken->str);
  reset (self);
}

static gboolean
timeout_cb (gpointer user_data)
{
  PdScanInput *self = user_data;

  self->timeout_id = 0;
  end_burst (self);
  return G_SOURCE_REMOVE;
}

static void
arm_timeout (PdScanInput *self,
             guint        milliseconds)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  /* Below the priority of input events: when the main loop was held up, the keys that wait
   * are handled first, and judged on their own times. */
  self->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, milliseconds, timeout_cb, self, NULL);
}

static void
begin_burst (PdScanInput *self,
             guint32      time)
{
  GtkWidget *focus = get_focus (self);

  reset (self);
  self->active = TRUE;
  self->last_time = time;
  g_weak_ref_set (&self->target, focus);
  if (focus != NULL && GTK_IS_EDITABLE (focus))
    {
      self->target_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (focus)));
      self->target_position = gtk_editable_get_position (GTK_EDITABLE (focus));
    }
}

static gboolean
is_modifier_key (guint keyval)
{
  switch (keyval)
    {
    case GDK_KEY_Shift_L:
    case GDK_KEY_Shift_R:
    case GDK_KEY_Caps_Lock:
    case GDK_KEY_Shift_Lock:
    case GDK_KEY_ISO_Level3_Shift:
    case GDK_KEY_ISO_Level5_Shift:
    case GDK_KEY_Num_Lock:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
pd_scan_input_handle_key (PdScanInput     *self,
                          guint            keyval,
                          GdkModifierType  state,
                          guint32          time)
{
  gunichar c;
  gboolean fast;

  g_return_val_if_fail (PD_IS_SCAN_INPUT (self), FALSE);

  /* Readers press Shift for capitals: it neither ends nor counts in a burst. */
  if (is_modifier_key (keyval))
    return FALSE;

  fast = self->active && time - self->last_time <= (self->at_line_end ? self->line_gap : self->max_gap);

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK))
    {
      end_burst (self);
      return FALSE;
    }

  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
    {
      if (!fast || self->n_chars < self->min_length || self->taken->len == 0)
        {
          end_burst (self);
          return FALSE;
        }
      self->last_time = time;
      if (self->at_line_end)
        return TRUE;  /* CR LF, or an empty line between MRZ lines */
      g_string_append_c (self->text, '\n');
      self->at_line_end = TRUE;
      if (pd_scan_text_is_partial_mrz (self->text->str))
        arm_timeout (self, self->line_gap);
      else
        emit_scan (self);
      return TRUE;
    }

  c = gdk_keyval_to_unicode (keyval);
  if (c < 0x20 || c == 0x7f || !g_unichar_isprint (c))
    {
      end_burst (self);
      return FALSE;
    }

  if (!fast)
    {
      end_burst (self);
      /* No code starts with a space; a space may press a focused button. */
      if (c == ' ')
        return FALSE;
      begin_burst (self, time);
    }

  self->last_time = time;
  self->at_line_end = FALSE;
  g_string_append_unichar (self->text, c);
  self->n_chars++;

  if (self->n_passed < N_PASSED_KEYS && self->taken->len == 0)
    {
      self->n_passed++;
      arm_timeout (self, self->line_gap);
      return FALSE;
    }

  g_string_append_unichar (self->taken, c);
  arm_timeout (self, self->line_gap);
  return TRUE;
}

void
pd_scan_input_flush (PdScanInput *self)
{
  g_return_if_fail (PD_IS_SCAN_INPUT (self));
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  end_burst (self);
}

static void
unref_data_cb (gpointer  data,
               GClosure *closure)
{
  g_object_unref (data);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                PdScanInput           *self)
{
  return pd_scan_input_handle_key (self, keyval, state,
                                   gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (controller)));
}

PdScanInput *
pd_scan_input_new (GtkWidget *widget)
{
  PdScanInput *self;
  GtkEventController *controller;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  self = g_object_new (PD_TYPE_SCAN_INPUT, NULL);
  self->widget = widget;
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (controller, "pd-scan-input");
  g_signal_connect_data (controller, "key-pressed", G_CALLBACK (key_pressed_cb),
                         g_object_ref (self), unref_data_cb, 0);
  gtk_widget_add_controller (widget, controller);
  return self;
}

static void
pd_scan_input_finalize (GObject *object)
{
  PdScanInput *self = PD_SCAN_INPUT (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_string_free (self->text, TRUE);
  g_string_free (self->taken, TRUE);
  g_weak_ref_clear (&self->target);
  g_free (self->target_text);

  G_OBJECT_CLASS (pd_scan_input_parent_class)->finalize (object);
}

static void
pd_scan_input_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PdScanInput *self = PD_SCAN_INPUT (object);

  switch (prop_id)
    {
    case PROP_MAX_GAP:
      g_value_set_uint (value, self->max_gap);
      break;
    case PROP_MIN_LENGTH:
      g_value_set_uint (value, self->min_length);
      break;
    case PROP_LINE_GAP:
      g_value_set_uint (value, self->line_gap);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_scan_input_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PdScanInput *self = PD_SCAN_INPUT (object);

  switch (prop_id)
    {
    case PROP_MAX_GAP:
      self->max_gap = g_value_get_uint (value);
      break;
    case PROP_MIN_LENGTH:
      self->min_length = g_value_get_uint (value);
      break;
    case PROP_LINE_GAP:
      self->line_gap = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_scan_input_class_init (PdScanInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_scan_input_finalize;
  object_class->get_property = pd_scan_input_get_property;
  object_class->set_property = pd_scan_input_set_property;

  /* The defaults are the GSettings defaults (scanner-*), which the window binds. */
  properties[PROP_MAX_GAP] =
    g_param_spec_uint ("max-gap", NULL, NULL, 1, 1000, 35,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIN_LENGTH] =
    g_param_spec_uint ("min-length", NULL, NULL, 1, 256, 8,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LINE_GAP] =
    g_param_spec_uint ("line-gap", NULL, NULL, 1, 5000, 150,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The text of one scan, lines joined by \n, without the final Enter. */
  signals[SCANNED] = g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pd_scan_input_init (PdScanInput *self)
{
  self->max_gap = 35;
  self->min_length = 8;
  self->line_gap = 150;
  self->text = g_string_new (NULL);
  self->taken = g_string_new (NULL);
  g_weak_ref_init (&self->target, NULL);
}
