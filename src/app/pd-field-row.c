/* pd-field-row.c: the row that edits one field of the declaration form, and its error row. */
#define G_LOG_DOMAIN "pd-field-row"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-accessible.h"
#include "pd-drop-down.h"
#include "pd-field-row.h"
#include "pd-format.h"
#include "pd-print-format.h"
#include "pd-reference.h"

struct _PdFieldRow
{
  GObject        parent_instance;

  PdField        field;
  GtkWidget     *row;          /* AdwEntryRow, AdwComboRow, or AdwActionRow around drop_down */
  GtkDropDown   *drop_down;    /* lists found by typing (provinces, communes, ethnic groups) */
  GtkWidget     *error_row;
  GtkLabel      *error_label;
  GtkWidget     *warning_row;
  GtkLabel      *warning_label;
  GtkEventController *focus;
  GtkStringList *labels;       /* choice rows: what the list shows */
  GPtrArray     *values;       /* choice rows: the stored value of each item, NULL for none */
  char          *model_key;    /* choice rows: what the list was built for (the province, for
                                * communes), NULL when it must be built again */
  char          *format_error; /* date rows: the text typed is not a date */
  gboolean       left;
  gboolean       touched;      /* the officer typed or chose here since the dossier showed */
  /* Non-zero while the row writes into its widget, so that its own writes are not taken for
   * the user's. */
  guint          updating;
};

G_DEFINE_FINAL_TYPE (PdFieldRow, pd_field_row, G_TYPE_OBJECT)

enum {
  EDITED,
  LEFT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

gboolean
pd_field_is_choice (PdField field)
{
  PdFieldKind kind = pd_field_get_info (field)->kind;

  /* The fee is a code of the fee table: the officer chooses it by its name and amount. */
  return kind == PD_FIELD_KIND_SEX || kind == PD_FIELD_KIND_CHOICE ||
         kind == PD_FIELD_KIND_PROVINCE || kind == PD_FIELD_KIND_COMMUNE ||
         kind == PD_FIELD_KIND_ETHNIC_GROUP || field == PD_FIELD_FEE_CODE;
}

static gboolean
is_choice (PdFieldRow *self)
{
  return pd_field_is_choice (self->field);
}

/* Lists too long to scroll through: 63 provinces, 100 and more communes in some, 54 groups. */
static gboolean
is_searched (PdFieldRow *self)
{
  PdFieldKind kind = pd_field_get_info (self->field)->kind;

  return kind == PD_FIELD_KIND_PROVINCE || kind == PD_FIELD_KIND_COMMUNE || kind == PD_FIELD_KIND_ETHNIC_GROUP;
}

static guint
choice_get_selected (PdFieldRow *self)
{
  if (self->drop_down != NULL)
    return gtk_drop_down_get_selected (self->drop_down);
  return adw_combo_row_get_selected (ADW_COMBO_ROW (self->row));
}

static void
choice_set_selected (PdFieldRow *self,
                     guint       selected)
{
  if (self->drop_down != NULL)
    gtk_drop_down_set_selected (self->drop_down, selected);
  else
    adw_combo_row_set_selected (ADW_COMBO_ROW (self->row), selected);
}

static void
entry_changed_cb (GtkEditable *editable,
                  PdFieldRow  *self)
{
  g_autofree char *text = NULL;
  g_autofree char *iso = NULL;
  const char *value;

  if (self->updating > 0)
    return;

  self->touched = TRUE;
  text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  g_clear_pointer (&self->format_error, g_free);
  value = text;
  if (*text == '\0')
    value = NULL;
  else if (pd_field_get_info (self->field)->kind == PD_FIELD_KIND_DATE)
    {
      iso = pd_format_parse_date (text);
      if (iso != NULL)
        value = iso;
      else
        /* Kept as typed so nothing is lost; saving is refused until it is a date. */
        self->format_error = g_strdup (_("Type the date as day/month/year, for example 25/01/1990."));
    }
  else if (self->field == PD_FIELD_FEE_AMOUNT)
    {
      /* Shown as on the receipt ("200.000 đ"), kept as digits. */
      iso = pd_format_parse_money (text);
      if (iso != NULL)
        value = iso;
    }
  g_signal_emit (self, signals[EDITED], 0, value);
}

static void
combo_selected_cb (PdFieldRow *self)
{
  guint selected = choice_get_selected (self);
  const char *value = NULL;

  if (self->updating > 0)
    return;
  if (selected != GTK_INVALID_LIST_POSITION && selected < self->values->len)
    value = g_ptr_array_index (self->values, selected);
  /* Choosing is finishing with the field. */
  self->left = TRUE;
  self->touched = TRUE;
  g_signal_emit (self, signals[EDITED], 0, value);
}

static void
leave_cb (GtkEventControllerFocus *controller,
          PdFieldRow              *self)
{
  g_signal_emit (self, signals[LEFT], 0);
}

static void
entry_activated_cb (AdwEntryRow *row,
                    PdFieldRow  *self)
{
  /* Enter moves on, as in paper-form data entry; leaving the row checks it. */
  gtk_widget_child_focus (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (row))), GTK_DIR_TAB_FORWARD);
}

static GtkWidget *
create_entry_row (PdFieldRow *self)
{
  const PdFieldInfo *info = pd_field_get_info (self->field);
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pd_field_get_label (self->field));
  pd_accessible_label_entry_row (ADW_ENTRY_ROW (row));

  switch ((int) info->kind)
    {
    case PD_FIELD_KIND_NAME:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_NAME);
      adw_entry_row_set_input_hints (ADW_ENTRY_ROW (row), GTK_INPUT_HINT_UPPERCASE_WORDS);
      break;
    case PD_FIELD_KIND_ID_NUMBER:
    case PD_FIELD_KIND_NUMBER:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_DIGITS);
      break;
    case PD_FIELD_KIND_PHONE:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_PHONE);
      break;
    case PD_FIELD_KIND_EMAIL:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_EMAIL);
      break;
    case PD_FIELD_KIND_DATE:
      {
        /* Translators: how to type a date in the form; keep the order day, month, year. */
        GtkWidget *hint = gtk_label_new (_("DD/MM/YYYY"));

        gtk_widget_add_css_class (hint, "dim-label");
        gtk_widget_add_css_class (hint, "caption");
        adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), hint);
      }
      break;
    default:
      break;
    }

  g_signal_connect (row, "changed", G_CALLBACK (entry_changed_cb), self);
  g_signal_connect (row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  return row;
}

static GtkWidget *
create_combo_row (PdFieldRow *self)
{
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pd_field_get_label (self->field));
  /* Names of communes are long: below the title they are never cut. */
  adw_combo_row_set_use_subtitle (ADW_COMBO_ROW (row), TRUE);
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (combo_selected_cb), self);
  return row;
}

static GtkWidget *
create_drop_down_row (PdFieldRow *self)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *drop_down = pd_drop_down_new (pd_field_get_label (self->field));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pd_field_get_label (self->field));
  gtk_widget_set_valign (drop_down, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), drop_down);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), drop_down);
  g_signal_connect_swapped (drop_down, "notify::selected", G_CALLBACK (combo_selected_cb), self);
  self->drop_down = GTK_DROP_DOWN (drop_down);
  return row;
}

/* The row under the field that says what is wrong (an error, in red) or unusual (a warning,
 * in amber): part of the boxed list, hidden until there is something to say. */
static GtkWidget *
create_message_row (const char  *icon_name,
                    const char  *css,
                    GtkLabel   **label_out)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);
  GtkWidget *label = gtk_label_new (NULL);
  g_autofree char *row_css = g_strdup_printf ("pd-field-%s", css);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_add_css_class (row, row_css);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_add_css_class (icon, css);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, css);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_visible (row, FALSE);

  *label_out = GTK_LABEL (label);
  return row;
}

void
pd_field_row_show_error (PdFieldRow *self,
                         const char *message)
{
  g_return_if_fail (PD_IS_FIELD_ROW (self));

  if (message != NULL)
    {
      gtk_label_set_label (self->error_label, message);
      gtk_widget_add_css_class (self->row, "error");
      gtk_widget_set_visible (self->error_row, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (self->row, "error");
      gtk_widget_set_visible (self->error_row, FALSE);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

void
pd_field_row_show_warning (PdFieldRow *self,
                           const char *message)
{
  g_return_if_fail (PD_IS_FIELD_ROW (self));

  /* Set only on change: the form calls this on every key typed. */
  if (message == NULL)
    {
      if (gtk_widget_get_visible (self->warning_row))
        gtk_widget_set_visible (self->warning_row, FALSE);
      return;
    }
  if (g_strcmp0 (gtk_label_get_label (self->warning_label), message) != 0)
    gtk_label_set_label (self->warning_label, message);
  if (!gtk_widget_get_visible (self->warning_row))
    gtk_widget_set_visible (self->warning_row, TRUE);
}

GtkWidget *
pd_field_row_get_warning_row (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), NULL);
  return self->warning_row;
}

GtkLabel *
pd_field_row_get_warning_label (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), NULL);
  return self->warning_label;
}

gboolean
pd_field_row_get_has_warning (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), FALSE);
  return gtk_widget_get_visible (self->warning_row);
}

static void
select_value (PdFieldRow *self,
              const char *value)
{
  guint selected = 0;

  for (guint i = 1; i < self->values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->values, i), value) == 0)
      {
        selected = i;
        break;
      }

  self->updating++;
  choice_set_selected (self, selected);
  self->updating--;
}

void
pd_field_row_show_value (PdFieldRow *self,
                         const char *value)
{
  g_autofree char *text = NULL;

  g_return_if_fail (PD_IS_FIELD_ROW (self));

  if (is_choice (self))
    {
      select_value (self, value);
      return;
    }
  if (pd_field_get_info (self->field)->kind == PD_FIELD_KIND_DATE)
    text = pd_format_display_date (value);
  else if (self->field == PD_FIELD_FEE_AMOUNT)
    text = pd_format_display_money (value);
  else
    text = g_strdup (value);
  self->updating++;
  gtk_editable_set_text (GTK_EDITABLE (self->row), text ? text : "");
  self->updating--;
}

static void
build_choices (PdFieldRow  *self,
               PdDossier   *dossier,
               PdReference *reference)
{
  const PdFieldInfo *info = pd_field_get_info (self->field);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_set_size (self->values, 0);

  if (self->field == PD_FIELD_FEE_CODE)
    {
      g_ptr_array_add (labels, (gpointer) _("Not chosen"));
      g_ptr_array_add (self->values, NULL);
      entries = reference != NULL ? pd_reference_list (reference, PD_REFERENCE_FEES, NULL) : NULL;
      for (guint i = 0; entries != NULL && i < entries->len; i++)
        {
          const PdReferenceEntry *entry = g_ptr_array_index (entries, i);
          g_autofree char *amount = pd_print_format_money (entry->amount);
          /* Translators: a fee in the form's list: its name, then its amount */
          char *label = g_strdup_printf (_("%s — %s"), entry->name, amount);

          g_ptr_array_add (owned, label);
          g_ptr_array_add (labels, label);
          g_ptr_array_add (self->values, g_strdup (entry->code));
        }
    }
  else switch ((int) info->kind)
    {
    case PD_FIELD_KIND_SEX:
    case PD_FIELD_KIND_CHOICE:
      g_ptr_array_add (labels, (gpointer) _("Not chosen"));
      g_ptr_array_add (self->values, NULL);
      for (const PdFieldChoice *c = info->choices; c && c->value; c++)
        {
          g_ptr_array_add (labels, (gpointer) pd_field_choice_label (self->field, c->value));
          g_ptr_array_add (self->values, g_strdup (c->value));
        }
      break;

    case PD_FIELD_KIND_PROVINCE:
    case PD_FIELD_KIND_ETHNIC_GROUP:
    case PD_FIELD_KIND_COMMUNE:
      {
        PdReferenceTable table = PD_REFERENCE_PROVINCES;
        const char *parent = NULL;

        if (info->kind == PD_FIELD_KIND_ETHNIC_GROUP)
          table = PD_REFERENCE_ETHNIC_GROUPS;
        else if (info->kind == PD_FIELD_KIND_COMMUNE)
          {
            table = PD_REFERENCE_COMMUNES;
            parent = pd_dossier_get_field (dossier, info->province);
          }

        if (info->kind == PD_FIELD_KIND_COMMUNE && parent == NULL)
          g_ptr_array_add (labels, (gpointer) _("Choose the province first"));
        else
          g_ptr_array_add (labels, (gpointer) _("Not chosen"));
        g_ptr_array_add (self->values, NULL);

        if (reference != NULL && (info->kind != PD_FIELD_KIND_COMMUNE || parent != NULL))
          {
            entries = pd_reference_list (reference, table, parent);
            for (guint i = 0; i < entries->len; i++)
              {
                const PdReferenceEntry *entry = g_ptr_array_index (entries, i);

                g_ptr_array_add (labels, entry->name);
                g_ptr_array_add (self->values, g_strdup (entry->code));
              }
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_ptr_array_add (labels, NULL);

  self->updating++;
  g_clear_object (&self->labels);
  self->labels = gtk_string_list_new ((const char * const *) labels->pdata);
  if (self->drop_down != NULL)
    gtk_drop_down_set_model (self->drop_down, G_LIST_MODEL (self->labels));
  else
    adw_combo_row_set_model (ADW_COMBO_ROW (self->row), G_LIST_MODEL (self->labels));
  self->updating--;
}

gboolean
pd_field_row_fill_choices (PdFieldRow  *self,
                           PdDossier   *dossier,
                           PdReference *reference)
{
  const PdFieldInfo *info;
  const char *value;
  const char *key = "";

  g_return_val_if_fail (PD_IS_FIELD_ROW (self), FALSE);

  info = pd_field_get_info (self->field);
  value = pd_dossier_get_field (dossier, self->field);
  if (info->kind == PD_FIELD_KIND_COMMUNE && pd_dossier_get_field (dossier, info->province) != NULL)
    key = pd_dossier_get_field (dossier, info->province);

  /* Each application loaded refills every list; giving a combo row a new model costs its list
   * view a rebuild, which made loading and clearing the form the main thread's largest work. */
  if (g_strcmp0 (self->model_key, key) != 0)
    {
      g_free (self->model_key);
      self->model_key = g_strdup (key);
      build_choices (self, dossier, reference);
    }

  select_value (self, value);
  return value == NULL || choice_get_selected (self) != 0;
}

void
pd_field_row_forget_choices (PdFieldRow *self)
{
  g_return_if_fail (PD_IS_FIELD_ROW (self));
  g_clear_pointer (&self->model_key, g_free);
}

PdField
pd_field_row_get_field (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), 0);
  return self->field;
}

GtkWidget *
pd_field_row_get_widget (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), NULL);
  return self->row;
}

GtkDropDown *
pd_field_row_get_drop_down (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), NULL);
  return self->drop_down;
}

GtkWidget *
pd_field_row_get_error_row (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), NULL);
  return self->error_row;
}

GtkLabel *
pd_field_row_get_error_label (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), NULL);
  return self->error_label;
}

gboolean
pd_field_row_get_has_error (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), FALSE);
  return gtk_widget_get_visible (self->error_row);
}

const char *
pd_field_row_get_format_error (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), NULL);
  return self->format_error;
}

void
pd_field_row_clear_format_error (PdFieldRow *self)
{
  g_return_if_fail (PD_IS_FIELD_ROW (self));
  g_clear_pointer (&self->format_error, g_free);
}

gboolean
pd_field_row_get_left (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), FALSE);
  return self->left;
}

void
pd_field_row_set_left (PdFieldRow *self,
                       gboolean    left)
{
  g_return_if_fail (PD_IS_FIELD_ROW (self));
  self->left = left;
  if (!left)
    self->touched = FALSE;
}

gboolean
pd_field_row_get_touched (PdFieldRow *self)
{
  g_return_val_if_fail (PD_IS_FIELD_ROW (self), FALSE);
  return self->touched;
}

static void
pd_field_row_finalize (GObject *object)
{
  PdFieldRow *self = PD_FIELD_ROW (object);

  /* The widgets may outlive the row in their page a little. */
  g_signal_handlers_disconnect_by_data (self->row, self);
  if (self->drop_down != NULL)
    g_signal_handlers_disconnect_by_data (self->drop_down, self);
  g_signal_handlers_disconnect_by_data (self->focus, self);
  g_clear_object (&self->row);
  g_clear_object (&self->error_row);
  g_clear_object (&self->warning_row);
  g_clear_object (&self->labels);
  g_clear_pointer (&self->values, g_ptr_array_unref);
  g_clear_pointer (&self->model_key, g_free);
  g_clear_pointer (&self->format_error, g_free);

  G_OBJECT_CLASS (pd_field_row_parent_class)->finalize (object);
}

static void
pd_field_row_class_init (PdFieldRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_field_row_finalize;

  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[LEFT] = g_signal_new ("left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pd_field_row_init (PdFieldRow *self)
{
  self->values = g_ptr_array_new_with_free_func (g_free);
}

PdFieldRow *
pd_field_row_new (PdField field)
{
  PdFieldRow *self = g_object_new (PD_TYPE_FIELD_ROW, NULL);
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->field = field;
  self->focus = focus;
  if (is_searched (self))
    self->row = g_object_ref_sink (create_drop_down_row (self));
  else
    self->row = g_object_ref_sink (is_choice (self) ? create_combo_row (self) : create_entry_row (self));
  self->error_row = g_object_ref_sink (create_message_row ("dialog-warning-symbolic", "error", &self->error_label));
  self->warning_row = g_object_ref_sink (create_message_row ("dialog-information-symbolic", "warning",
                                                             &self->warning_label));
  g_signal_connect (focus, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (self->row, focus);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->error_label, self->warning_label, NULL, -1);
  return self;
}
