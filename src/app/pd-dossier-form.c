/* pd-dossier-form.c */
#define G_LOG_DOMAIN "pd-dossier-form"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-dossier-form.h"
#include "pd-format.h"
#include "pd-cccd.h"
#include "pd-validate.h"

typedef struct
{
  GtkWidget     *row;          /* AdwEntryRow or AdwComboRow */
  GtkWidget     *error_row;
  GtkLabel      *error_label;
  GtkStringList *labels;       /* combo rows: what the list shows */
  GPtrArray     *values;       /* combo rows: the stored value of each item, NULL for none */
  char          *format_error; /* date rows: the text typed is not a date */
  gboolean       left;         /* the user has left the field once: its errors show live */
} FieldRow;

struct _PdDossierForm
{
  GtkWidget            parent_instance;

  AdwPreferencesPage  *page;
  GtkLabel            *summary_label;
  PdMismatchPanel     *mismatch_panel;

  AdwPreferencesGroup *groups[PD_N_FIELD_GROUPS];
  FieldRow             rows[PD_N_FIELDS];

  PdStore             *store;
  PdReference         *reference;
  GSettings           *settings;
  PdDossier           *dossier;
  GCancellable        *cancellable;
  gboolean             busy;
  gboolean             built;
  guint                build_idle;
  /* Non-zero while the form itself writes into its widgets, so that the change handlers do
   * not take the form's own writes for the user's. */
  guint                updating;
};

G_DEFINE_FINAL_TYPE (PdDossierForm, pd_dossier_form, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The representative signs for a child, so their part follows the applicant's. */
static const PdFieldGroup group_order[] = {
  PD_FIELD_GROUP_PERSON,
  PD_FIELD_GROUP_REPRESENTATIVE,
  PD_FIELD_GROUP_ADDRESS,
  PD_FIELD_GROUP_WORK,
  PD_FIELD_GROUP_FAMILY,
  PD_FIELD_GROUP_PASSPORT,
  PD_FIELD_GROUP_REFUND,
  PD_FIELD_GROUP_REQUEST,
  PD_FIELD_GROUP_INTAKE,
};

#define ROW_FIELD_KEY "pd-field"

static PdField
row_get_field (gpointer row)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), ROW_FIELD_KEY)) - 1;
}

static gboolean
kind_is_combo (PdFieldKind kind)
{
  return kind == PD_FIELD_KIND_SEX || kind == PD_FIELD_KIND_CHOICE ||
         kind == PD_FIELD_KIND_PROVINCE || kind == PD_FIELD_KIND_COMMUNE ||
         kind == PD_FIELD_KIND_ETHNIC_GROUP;
}

static void
get_today (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (today, 1);
  g_date_set_dmy (today,
                  (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
}

static void
toast (PdDossierForm *self,
       const char    *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static void
show_error (PdDossierForm *self,
            PdField        field,
            const char    *message)
{
  FieldRow *r = &self->rows[field];

  if (message != NULL)
    {
      gtk_label_set_label (r->error_label, message);
      gtk_widget_add_css_class (r->row, "error");
      gtk_widget_set_visible (r->error_row, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (r->row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (r->row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (r->row, "error");
      gtk_widget_set_visible (r->error_row, FALSE);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (r->row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (r->row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static char *
field_message (PdDossierForm *self,
               PdField        field)
{
  GDate today;

  if (self->rows[field].format_error != NULL)
    return g_strdup (self->rows[field].format_error);
  if (self->reference == NULL)
    return NULL;
  get_today (&today);
  return pd_validate_field (self->dossier, field, self->reference, &today);
}

static void
check_field (PdDossierForm *self,
             PdField        field)
{
  g_autofree char *message = field_message (self, field);

  show_error (self, field, message);
}

static void
update_summary (PdDossierForm *self)
{
  guint n = 0;

  for (guint i = 0; i < PD_N_FIELDS; i++)
    if (gtk_widget_get_visible (self->rows[i].error_row))
      n++;

  if (n == 0)
    gtk_label_set_label (self->summary_label, "");
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "%u field to fix", "%u fields to fix", n), n);
      gtk_label_set_label (self->summary_label, text);
    }
}

static void
update_representative (PdDossierForm *self)
{
  GDate today;
  gboolean minor;

  get_today (&today);
  minor = pd_dossier_is_minor_form (self->dossier, &today);
  gtk_widget_set_visible (GTK_WIDGET (self->groups[PD_FIELD_GROUP_REPRESENTATIVE]), minor);

  /* A hidden field cannot be fixed: forget its errors until it shows again. */
  if (!minor)
    for (guint i = 0; i < PD_N_FIELDS; i++)
      if (pd_field_get_info (i)->group == PD_FIELD_GROUP_REPRESENTATIVE)
        show_error (self, i, NULL);
}

static void
combo_select_value (PdDossierForm *self,
                    PdField        field,
                    const char    *value)
{
  FieldRow *r = &self->rows[field];
  guint selected = 0;

  for (guint i = 1; i < r->values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (r->values, i), value) == 0)
      {
        selected = i;
        break;
      }

  self->updating++;
  adw_combo_row_set_selected (ADW_COMBO_ROW (r->row), selected);
  self->updating--;
}

static void
fill_combo (PdDossierForm *self,
            PdField        field)
{
  const PdFieldInfo *info = pd_field_get_info (field);
  FieldRow *r = &self->rows[field];
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = NULL;
  const char *value = pd_dossier_get_field (self->dossier, field);
  g_autofree char *keep = g_strdup (value);

  g_ptr_array_set_size (r->values, 0);

  switch ((int) info->kind)
    {
    case PD_FIELD_KIND_SEX:
    case PD_FIELD_KIND_CHOICE:
      g_ptr_array_add (labels, (gpointer) _("Not chosen"));
      g_ptr_array_add (r->values, NULL);
      for (const PdFieldChoice *c = info->choices; c && c->value; c++)
        {
          g_ptr_array_add (labels, (gpointer) pd_field_choice_label (field, c->value));
          g_ptr_array_add (r->values, g_strdup (c->value));
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
            parent = pd_dossier_get_field (self->dossier, info->province);
          }

        if (info->kind == PD_FIELD_KIND_COMMUNE && parent == NULL)
          g_ptr_array_add (labels, (gpointer) _("Choose the province first"));
        else
          g_ptr_array_add (labels, (gpointer) _("Not chosen"));
        g_ptr_array_add (r->values, NULL);

        if (self->reference != NULL && (info->kind != PD_FIELD_KIND_COMMUNE || parent != NULL))
          {
            entries = pd_reference_list (self->reference, table, parent);
            for (guint i = 0; i < entries->len; i++)
              {
                const PdReferenceEntry *entry = g_ptr_array_index (entries, i);

                g_ptr_array_add (labels, entry->name);
                g_ptr_array_add (r->values, g_strdup (entry->code));
              }
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_ptr_array_add (labels, NULL);

  self->updating++;
  g_clear_object (&r->labels);
  r->labels = gtk_string_list_new ((const char * const *) labels->pdata);
  adw_combo_row_set_model (ADW_COMBO_ROW (r->row), G_LIST_MODEL (r->labels));
  self->updating--;

  combo_select_value (self, field, keep);
  /* A commune that is not in the newly chosen province is no longer an answer. */
  if (adw_combo_row_get_selected (ADW_COMBO_ROW (r->row)) == 0 && keep != NULL)
    pd_dossier_set_field (self->dossier, field, NULL);
}

static void
set_entry_text (PdDossierForm *self,
                PdField        field,
                const char    *value)
{
  const PdFieldInfo *info = pd_field_get_info (field);
  g_autofree char *text = NULL;

  if (info->kind == PD_FIELD_KIND_DATE)
    text = pd_format_display_date (value);
  else
    text = g_strdup (value);

  self->updating++;
  gtk_editable_set_text (GTK_EDITABLE (self->rows[field].row), text ? text : "");
  self->updating--;
}

/* Writes the dossier's value of @field into its widget. */
static void
load_field (PdDossierForm *self,
            PdField        field)
{
  if (kind_is_combo (pd_field_get_info (field)->kind))
    combo_select_value (self, field, pd_dossier_get_field (self->dossier, field));
  else
    set_entry_text (self, field, pd_dossier_get_field (self->dossier, field));
}

static void
set_field_from_form (PdDossierForm *self,
                     PdField        field,
                     const char    *value)
{
  pd_dossier_set_field (self->dossier, field, value);
  load_field (self, field);
  if (self->rows[field].left)
    check_field (self, field);
}

static void
fill_fee (PdDossierForm *self)
{
  const char *request = pd_dossier_get_field (self->dossier, PD_FIELD_REQUEST_TYPE);
  g_autoptr(GPtrArray) fees = NULL;
  const PdReferenceEntry *fee;
  g_autofree char *amount = NULL;

  if (self->reference == NULL || request == NULL)
    return;

  /* The fee follows from the request; the officer can still correct it. */
  fees = pd_reference_list (self->reference, PD_REFERENCE_FEES, request);
  if (fees->len == 0)
    return;
  fee = g_ptr_array_index (fees, 0);
  amount = g_strdup_printf ("%" G_GINT64_FORMAT, fee->amount);
  set_field_from_form (self, PD_FIELD_FEE_CODE, fee->code);
  set_field_from_form (self, PD_FIELD_FEE_AMOUNT, amount);
}

static void
entry_changed_cb (GtkEditable   *editable,
                  PdDossierForm *self)
{
  PdField field = row_get_field (editable);
  FieldRow *r = &self->rows[field];
  g_autofree char *text = NULL;

  if (self->updating > 0)
    return;

  text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  g_clear_pointer (&r->format_error, g_free);

  if (*text == '\0')
    pd_dossier_set_field (self->dossier, field, NULL);
  else if (pd_field_get_info (field)->kind == PD_FIELD_KIND_DATE)
    {
      g_autofree char *iso = pd_format_parse_date (text);

      if (iso != NULL)
        pd_dossier_set_field (self->dossier, field, iso);
      else
        {
          /* Kept as typed so nothing is lost; saving is refused until it is a date. */
          pd_dossier_set_field (self->dossier, field, text);
          r->format_error = g_strdup (_("Type the date as day/month/year, for example 25/01/1990."));
        }
    }
  else
    pd_dossier_set_field (self->dossier, field, text);

  if (field == PD_FIELD_BIRTH_DATE)
    update_representative (self);

  /* Once a field has shown an error, it tells as soon as it is fixed. */
  if (r->left || gtk_widget_get_visible (r->error_row))
    {
      check_field (self, field);
      update_summary (self);
    }
}

static void
combo_selected_cb (AdwComboRow   *combo,
                   GParamSpec    *pspec,
                   PdDossierForm *self)
{
  PdField field = row_get_field (combo);
  FieldRow *r = &self->rows[field];
  guint selected = adw_combo_row_get_selected (combo);
  const char *value = NULL;

  if (self->updating > 0)
    return;

  if (selected != GTK_INVALID_LIST_POSITION && selected < r->values->len)
    value = g_ptr_array_index (r->values, selected);
  pd_dossier_set_field (self->dossier, field, value);

  if (pd_field_get_info (field)->kind == PD_FIELD_KIND_PROVINCE)
    for (guint i = 0; i < PD_N_FIELDS; i++)
      {
        const PdFieldInfo *info = pd_field_get_info (i);

        if (info->kind == PD_FIELD_KIND_COMMUNE && info->province == field)
          fill_combo (self, i);
      }
  else if (field == PD_FIELD_REQUEST_TYPE)
    fill_fee (self);

  /* Choosing is finishing with the field. */
  r->left = TRUE;
  check_field (self, field);
  update_summary (self);
}

static void
field_leave_cb (GtkEventControllerFocus *controller,
                PdDossierForm           *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  PdField field = row_get_field (row);

  if (self->busy)
    return;
  self->rows[field].left = TRUE;
  check_field (self, field);
  update_summary (self);
}

static void
entry_activated_cb (AdwEntryRow   *row,
                    PdDossierForm *self)
{
  /* Enter moves on, as in paper-form data entry; leaving the row checks it. */
  gtk_widget_child_focus (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (row))), GTK_DIR_TAB_FORWARD);
}

static GtkWidget *
create_entry_row (PdDossierForm *self,
                  PdField        field)
{
  const PdFieldInfo *info = pd_field_get_info (field);
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pd_field_get_label (field));

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
create_combo_row (PdDossierForm *self,
                  PdField        field)
{
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pd_field_get_label (field));
  /* Names of communes are long: below the title they are never cut. */
  adw_combo_row_set_use_subtitle (ADW_COMBO_ROW (row), TRUE);
  g_signal_connect (row, "notify::selected", G_CALLBACK (combo_selected_cb), self);
  return row;
}

static GtkWidget *
create_error_row (FieldRow *r)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *label = gtk_label_new (NULL);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_add_css_class (row, "pd-field-error");

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_add_css_class (icon, "error");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "error");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_visible (row, FALSE);

  r->error_label = GTK_LABEL (label);
  return row;
}

static void scroll_to_row (PdDossierForm *self,
                           GtkWidget     *row);

static void
build_rows (PdDossierForm *self)
{
  for (guint g = 0; g < G_N_ELEMENTS (group_order); g++)
    {
      PdFieldGroup group = group_order[g];
      AdwPreferencesGroup *pgroup = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

      adw_preferences_group_set_title (pgroup, pd_field_group_get_label (group));
      self->groups[group] = pgroup;
      adw_preferences_page_add (self->page, pgroup);

      for (guint f = 0; f < PD_N_FIELDS; f++)
        {
          const PdFieldInfo *info = pd_field_get_info (f);
          FieldRow *r = &self->rows[f];
          GtkEventController *focus;

          if (info->group != group)
            continue;

          r->values = g_ptr_array_new_with_free_func (g_free);
          r->row = kind_is_combo (info->kind) ? create_combo_row (self, f) : create_entry_row (self, f);
          g_object_set_data (G_OBJECT (r->row), ROW_FIELD_KEY, GINT_TO_POINTER (f + 1));

          focus = gtk_event_controller_focus_new ();
          g_signal_connect (focus, "leave", G_CALLBACK (field_leave_cb), self);
          gtk_widget_add_controller (r->row, focus);

          r->error_row = create_error_row (r);
          gtk_accessible_update_relation (GTK_ACCESSIBLE (r->row),
                                          GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, r->error_label, NULL,
                                          -1);
          adw_preferences_group_add (pgroup, r->row);
          adw_preferences_group_add (pgroup, r->error_row);
        }
    }

  adw_preferences_group_set_description (self->groups[PD_FIELD_GROUP_REPRESENTATIVE],
                                         _("The applicant is under 14: the parent or guardian who signs the declaration (form TK01a)."));
}

/* Some sixty rows take a noticeable part of the startup time: they are built once the
 * window shows, or as soon as something needs them. */
static void
ensure_rows (PdDossierForm *self)
{
  if (self->built)
    return;
  self->built = TRUE;
  g_clear_handle_id (&self->build_idle, g_source_remove);
  build_rows (self);
  pd_dossier_form_clear (self);
}

static gboolean
build_idle_cb (gpointer user_data)
{
  PdDossierForm *self = user_data;

  self->build_idle = 0;
  ensure_rows (self);
  return G_SOURCE_REMOVE;
}

/* The intake fields that belong to this desk, where @dossier has none. */
static void
set_desk_fields (PdDossierForm *self,
                 PdDossier     *dossier)
{
  if (self->settings != NULL)
    {
      g_autofree char *office = g_settings_get_string (self->settings, "office-code");
      guint counter = g_settings_get_uint (self->settings, "counter");

      if (*office != '\0' && pd_dossier_get_field (dossier, PD_FIELD_OFFICE_CODE) == NULL)
        pd_dossier_set_field (dossier, PD_FIELD_OFFICE_CODE, office);
      if (counter > 0 && pd_dossier_get_field (dossier, PD_FIELD_COUNTER) == NULL)
        {
          g_autofree char *text = g_strdup_printf ("%u", counter);
          pd_dossier_set_field (dossier, PD_FIELD_COUNTER, text);
        }
    }
  if (pd_dossier_get_field (dossier, PD_FIELD_OFFICER) == NULL)
    pd_dossier_set_field (dossier, PD_FIELD_OFFICER, g_get_user_name ());
}

/* Makes @dossier the one being edited and shows every field of it. */
static void
show_dossier (PdDossierForm *self,
              PdDossier     *dossier)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_set_object (&self->dossier, dossier);
  pd_mismatch_panel_clear (self->mismatch_panel);

  for (guint f = 0; f < PD_N_FIELDS; f++)
    {
      FieldRow *r = &self->rows[f];

      g_clear_pointer (&r->format_error, g_free);
      r->left = FALSE;
      gtk_widget_remove_css_class (r->row, "warning");
      if (kind_is_combo (pd_field_get_info (f)->kind))
        fill_combo (self, f);
      else
        load_field (self, f);
      show_error (self, f, NULL);
    }

  update_representative (self);
  update_summary (self);
}

void
pd_dossier_form_clear (PdDossierForm *self)
{
  g_autoptr(PdDossier) dossier = NULL;

  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  if (!self->built)
    {
      ensure_rows (self);
      return;
    }

  /* The desk's fields, and the usual answers of the request. */
  dossier = pd_dossier_new ();
  set_desk_fields (self, dossier);
  pd_dossier_set_field (dossier, PD_FIELD_CHIP, "chip");
  pd_dossier_set_field (dossier, PD_FIELD_DELIVERY, "in_person");
  show_dossier (self, dossier);
}

void
pd_dossier_form_load (PdDossierForm *self,
                      PdDossier     *dossier)
{
  g_autoptr(PdDossier) copy = NULL;

  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  g_return_if_fail (PD_IS_DOSSIER (dossier));

  ensure_rows (self);
  copy = pd_dossier_copy (dossier);
  set_desk_fields (self, copy);
  show_dossier (self, copy);
}

gboolean
pd_dossier_form_is_blank (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), TRUE);

  for (guint f = 0; f < PD_N_FIELDS; f++)
    {
      if (pd_field_get_info (f)->group == PD_FIELD_GROUP_INTAKE || f == PD_FIELD_CHIP || f == PD_FIELD_DELIVERY)
        continue;
      if (pd_dossier_get_field (self->dossier, f) != NULL)
        return FALSE;
    }
  return pd_dossier_get_id (self->dossier) == 0;
}

void
pd_dossier_form_set_value (PdDossierForm *self,
                           PdField        field,
                           const char    *value)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  g_return_if_fail (field >= 0 && field < PD_N_FIELDS);

  ensure_rows (self);
  g_clear_pointer (&self->rows[field].format_error, g_free);
  set_field_from_form (self, field, value);
  if (field == PD_FIELD_BIRTH_DATE)
    update_representative (self);
  update_summary (self);
}

static void
mismatch_resolved_cb (PdMismatchPanel *panel,
                      int              field,
                      const char      *value,
                      gboolean         use_document,
                      PdDossierForm   *self)
{
  if (field < 0 || field >= PD_N_FIELDS)
    return;
  gtk_widget_remove_css_class (self->rows[field].row, "warning");
  if (use_document)
    pd_dossier_form_set_value (self, field, value);
}

void
pd_dossier_form_show_mismatches (PdDossierForm *self,
                                 const char    *document,
                                 const char    *use_label,
                                 GPtrArray     *mismatches)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  ensure_rows (self);
  for (guint f = 0; f < PD_N_FIELDS; f++)
    gtk_widget_remove_css_class (self->rows[f].row, "warning");
  for (guint i = 0; i < mismatches->len; i++)
    {
      const PdCccdMismatch *m = g_ptr_array_index (mismatches, i);

      gtk_widget_add_css_class (self->rows[m->field].row, "warning");
    }
  pd_mismatch_panel_set_mismatches (self->mismatch_panel, document, use_label, mismatches);
}

PdMismatchPanel *
pd_dossier_form_get_mismatch_panel (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);
  return self->mismatch_panel;
}

void
pd_dossier_form_focus_first (PdDossierForm *self)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  ensure_rows (self);
  gtk_widget_grab_focus (self->rows[PD_FIELD_FULL_NAME].row);
  scroll_to_row (self, self->rows[PD_FIELD_FULL_NAME].row);
}

void
pd_dossier_form_set_store (PdDossierForm *self,
                           PdStore       *store,
                           GSettings     *settings)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  g_return_if_fail (PD_IS_STORE (store));

  g_set_object (&self->store, store);
  g_set_object (&self->settings, settings);
  g_clear_object (&self->reference);
  self->reference = pd_store_get_reference (store);
  if (self->built)
    pd_dossier_form_clear (self);
  else if (self->build_idle == 0)
    /* Below the frame clock's priority: the window paints first. */
    self->build_idle = g_idle_add_full (G_PRIORITY_LOW, build_idle_cb, self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", !self->busy);
}

PdDossier *
pd_dossier_form_get_dossier (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);
  return self->dossier;
}

gboolean
pd_dossier_form_get_busy (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), FALSE);
  return self->busy;
}

GtkWidget *
pd_dossier_form_get_row (PdDossierForm *self,
                         PdField        field)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);
  ensure_rows (self);
  return self->rows[field].row;
}

GtkLabel *
pd_dossier_form_get_error_label (PdDossierForm *self,
                                 PdField        field)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);
  ensure_rows (self);
  return self->rows[field].error_label;
}

static void
set_busy (PdDossierForm *self,
          gboolean       busy)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  self->busy = busy;
  /* Insensitive widgets get no focus-out, so let go of the focus first; the store reads the
   * dossier on its thread meanwhile, hence no editing. */
  if (busy && root != NULL)
    {
      GtkWidget *focus = gtk_root_get_focus (root);

      if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->page)))
        gtk_root_set_focus (root, NULL);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->page), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", !busy && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.clear", !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PdDossierForm) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) saved = NULL;
  g_autofree char *message = NULL;

  if (!pd_store_save_finish (PD_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      pd_dossier_set_status (self->dossier, PD_STATUS_DRAFT);
      pd_dossier_form_focus_first (self);
      g_warning ("Cannot save the application: %s", error->message);
      message = g_strdup_printf (_("Not saved: %s. What was typed is kept; try again."), error->message);
      toast (self, message);
      return;
    }

  set_busy (self, FALSE);
  saved = g_object_ref (self->dossier);
  message = g_strdup_printf (_("Application of %s saved"),
                             pd_dossier_get_field (saved, PD_FIELD_FULL_NAME));
  toast (self, message);
  pd_dossier_form_clear (self);
  g_signal_emit (self, signals[SAVED], 0, saved);
}

/* The page scrolls to a focused row only when it is reached by keyboard: bring it in view. */
static void
scroll_to_row (PdDossierForm *self,
               GtkWidget     *row)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content;
  GtkAdjustment *vadjustment;
  double x, y;

  if (scrolled == NULL)
    return;
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (content == NULL || !gtk_widget_translate_coordinates (row, content, 0, 0, &x, &y))
    return;
  G_GNUC_END_IGNORE_DEPRECATIONS
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  /* Room above for the group's title. */
  gtk_adjustment_set_value (vadjustment, MAX (0.0, y - 48.0));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PdDossierForm *self = PD_DOSSIER_FORM (widget);
  g_autoptr(GPtrArray) errors = NULL;
  gboolean has_error[PD_N_FIELDS] = { FALSE, };
  GtkWidget *first = NULL;
  guint n_errors = 0;
  GDate today;

  if (self->busy || self->store == NULL)
    return;
  ensure_rows (self);

  if (pd_mismatch_panel_get_n_unresolved (self->mismatch_panel) > 0)
    {
      toast (self, _("Not saved: for each difference shown at the top, keep the declared value or use the scanned one."));
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (
                                  GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (self->rows[0].row, GTK_TYPE_SCROLLED_WINDOW))), 0.0);
      return;
    }

  get_today (&today);
  errors = pd_validate_dossier (self->dossier, self->reference, &today);

  for (guint f = 0; f < PD_N_FIELDS; f++)
    {
      self->rows[f].left = TRUE;
      if (self->rows[f].format_error != NULL)
        {
          show_error (self, f, self->rows[f].format_error);
          has_error[f] = TRUE;
        }
    }
  for (guint i = 0; i < errors->len; i++)
    {
      PdFieldError *e = g_ptr_array_index (errors, i);

      if (e->field < 0 || e->field >= PD_N_FIELDS || has_error[e->field])
        continue;
      show_error (self, e->field, e->message);
      has_error[e->field] = TRUE;
    }

  for (guint g = 0; g < G_N_ELEMENTS (group_order); g++)
    for (guint f = 0; f < PD_N_FIELDS; f++)
      {
        if (pd_field_get_info (f)->group != group_order[g])
          continue;
        if (!has_error[f])
          show_error (self, f, NULL);
        else
          {
            n_errors++;
            if (first == NULL)
              first = self->rows[f].row;
          }
      }
  update_summary (self);

  if (n_errors > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (NULL, "Not saved: fix the field marked in red",
                                      "Not saved: fix the %u fields marked in red", n_errors),
                         n_errors);

      toast (self, message);
      gtk_widget_grab_focus (first);
      scroll_to_row (self, first);
      return;
    }

  /* Checked at the counter with the applicant present: it goes to the outbox. */
  pd_dossier_set_status (self->dossier, PD_STATUS_ACCEPTED);
  set_busy (self, TRUE);
  pd_store_save_async (self->store, self->dossier, g_get_user_name (), self->cancellable,
                       save_cb, g_object_ref (self));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PdDossierForm *self = PD_DOSSIER_FORM (widget);

  pd_dossier_form_clear (self);
  pd_dossier_form_focus_first (self);
}

static void
pd_dossier_form_map (GtkWidget *widget)
{
  ensure_rows (PD_DOSSIER_FORM (widget));
  GTK_WIDGET_CLASS (pd_dossier_form_parent_class)->map (widget);
}

static void
pd_dossier_form_dispose (GObject *object)
{
  PdDossierForm *self = PD_DOSSIER_FORM (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->build_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_DOSSIER_FORM);
  /* The template's top box is not a bound child: it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pd_dossier_form_parent_class)->dispose (object);
}

static void
pd_dossier_form_finalize (GObject *object)
{
  PdDossierForm *self = PD_DOSSIER_FORM (object);

  for (guint f = 0; f < PD_N_FIELDS; f++)
    {
      g_clear_object (&self->rows[f].labels);
      g_clear_pointer (&self->rows[f].values, g_ptr_array_unref);
      g_clear_pointer (&self->rows[f].format_error, g_free);
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->dossier);
  g_clear_object (&self->reference);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (pd_dossier_form_parent_class)->finalize (object);
}

static void
pd_dossier_form_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PdDossierForm *self = PD_DOSSIER_FORM (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_dossier_form_class_init (PdDossierFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_dossier_form_dispose;
  object_class->finalize = pd_dossier_form_finalize;
  object_class->get_property = pd_dossier_form_get_property;

  widget_class->map = pd_dossier_form_map;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted once the application is in the store; the form has already been cleared. */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, PD_TYPE_DOSSIER);

  g_type_ensure (PD_TYPE_MISMATCH_PANEL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-dossier-form.ui");
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, page);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, mismatch_panel);

  gtk_widget_class_install_action (widget_class, "form.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "form.clear", NULL, clear_action);
}

static void
pd_dossier_form_init (PdDossierForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->dossier = pd_dossier_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", FALSE);
  g_signal_connect_object (self->mismatch_panel, "resolved", G_CALLBACK (mismatch_resolved_cb), self, 0);
}
