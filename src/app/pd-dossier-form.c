/* pd-dossier-form.c */
#define G_LOG_DOMAIN "pd-dossier-form"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-dossier-form.h"
#include "pd-format.h"
#include "pd-photo-image.h"
#include "pd-cccd.h"
#include "pd-intake.h"
#include "pd-accessible.h"
#include "pd-required-documents.h"
#include "pd-toast.h"
#include "pd-validate.h"
#include "capture/pd-sane.h"

/* A scanned document waiting for the application to be saved, or one in the store. */
typedef struct
{
  char   *kind;
  char   *mime_type;
  GBytes *data;       /* NULL once stored */
  gsize   size;
} Attachment;

static void
attachment_free (Attachment *attachment)
{
  g_free (attachment->kind);
  g_free (attachment->mime_type);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment);
}

static Attachment *
attachment_new (const char *kind,
                const char *mime_type,
                GBytes     *data,
                gsize       size)
{
  Attachment *attachment = g_new0 (Attachment, 1);

  attachment->kind = g_strdup (kind);
  attachment->mime_type = g_strdup (mime_type);
  attachment->data = data ? g_bytes_ref (data) : NULL;
  attachment->size = size;
  return attachment;
}

typedef struct
{
  GtkWidget     *row;          /* AdwEntryRow or AdwComboRow */
  GtkWidget     *error_row;
  GtkLabel      *error_label;
  GtkStringList *labels;       /* combo rows: what the list shows */
  GPtrArray     *values;       /* combo rows: the stored value of each item, NULL for none */
  char          *model_key;    /* combo rows: what the list was built for (the province, for
                                * communes), NULL when it must be built again */
  char          *format_error; /* date rows: the text typed is not a date */
  gboolean       left;         /* the user has left the field once: its errors show live */
} FieldRow;

struct _PdDossierForm
{
  GtkWidget            parent_instance;

  AdwPreferencesPage  *page;
  GtkLabel            *summary_label;
  GtkLabel            *documents_label;
  GtkLabel            *guidance_label;
  GtkWidget           *save_button;
  GtkWidget           *hold_button;
  GtkWidget           *refuse_button;
  GtkWidget           *print_slip_button;
  PdMismatchPanel     *mismatch_panel;

  AdwPreferencesGroup *groups[PD_N_FIELD_GROUPS];
  FieldRow             rows[PD_N_FIELDS];

  AdwActionRow        *photo_row;
  GtkPicture          *photo_thumbnail;
  AdwPreferencesGroup *documents_group;
  GPtrArray           *document_rows;   /* GtkWidget, the rows shown in documents_group */

  /* The papers to check for the request (data/reference/required-documents.csv). */
  AdwPreferencesGroup *required_group;
  GPtrArray           *required_all;    /* PdRequiredDocument */
  GPtrArray           *required_shown;  /* PdRequiredDocument, borrowed from required_all */
  GPtrArray           *required_rows;   /* GtkWidget */
  GHashTable          *required_ticks;  /* code -> 1 ticked, 2 unticked by the officer */
  gboolean             id_card_seen;    /* an ID card was scanned for this application */
  gboolean             declaration_seen; /* a signed declaration filled the form */

  PdRole               role;
  char                *actor;

  /* What saving adds to the store after the dossier itself. */
  char                *photo_override;  /* the audit detail of an overridden photo, or NULL */
  GPtrArray           *pending;         /* Attachment with data, waiting for the dossier's id */
  GPtrArray           *stored;          /* Attachment without data, already in the store */
  GCancellable        *attachments_cancellable;

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

static void refresh_required (PdDossierForm *self);

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
  pd_toast_show (GTK_WIDGET (self), adw_toast_new (message));
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
  refresh_required (self);

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
build_combo_model (PdDossierForm *self,
                   PdField        field)
{
  const PdFieldInfo *info = pd_field_get_info (field);
  FieldRow *r = &self->rows[field];
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = NULL;

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
}

static void
fill_combo (PdDossierForm *self,
            PdField        field)
{
  const PdFieldInfo *info = pd_field_get_info (field);
  FieldRow *r = &self->rows[field];
  const char *value = pd_dossier_get_field (self->dossier, field);
  g_autofree char *keep = g_strdup (value);
  const char *key = "";

  if (info->kind == PD_FIELD_KIND_COMMUNE && pd_dossier_get_field (self->dossier, info->province) != NULL)
    key = pd_dossier_get_field (self->dossier, info->province);

  /* Each application loaded refills every list; giving a combo row a new model costs its list
   * view a rebuild, which made loading and clearing the form the main thread's largest work. */
  if (g_strcmp0 (r->model_key, key) != 0)
    {
      g_free (r->model_key);
      r->model_key = g_strdup (key);
      build_combo_model (self, field);
    }

  combo_select_value (self, field, keep);
  /* A commune that is not in the newly chosen province is no longer an answer. */
  if (adw_combo_row_get_selected (ADW_COMBO_ROW (r->row)) == 0 && keep != NULL)
    pd_dossier_set_field (self->dossier, field, NULL);
}

/* The communes listed follow the province chosen above them. */
static void
refill_communes (PdDossierForm *self,
                 PdField        province)
{
  for (guint i = 0; i < PD_N_FIELDS; i++)
    {
      const PdFieldInfo *info = pd_field_get_info (i);

      if (info->kind == PD_FIELD_KIND_COMMUNE && info->province == province)
        fill_combo (self, i);
    }
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
  /* The fee follows from the request; the officer can still correct it. */
  if (!pd_intake_fill_fee (self->dossier, self->reference))
    return;
  set_field_from_form (self, PD_FIELD_FEE_CODE, pd_dossier_get_field (self->dossier, PD_FIELD_FEE_CODE));
  set_field_from_form (self, PD_FIELD_FEE_AMOUNT, pd_dossier_get_field (self->dossier, PD_FIELD_FEE_AMOUNT));
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

  /* Once a field has shown an error, it tells as soon as it is fixed; at an assisted-entry
   * station it tells while typing. */
  if (r->left || gtk_widget_get_visible (r->error_row) || self->role == PD_ROLE_VOLUNTEER)
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
    refill_communes (self, field);
  else if (field == PD_FIELD_REQUEST_TYPE)
    {
      fill_fee (self);
      refresh_required (self);
    }

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

/* A volunteer neither takes the fee nor gives the appointment nor checks the papers: the
 * counter does, and the slip carries none of it. */
static void
show_for_role (PdDossierForm *self)
{
  gboolean volunteer = self->role == PD_ROLE_VOLUNTEER;

  gtk_widget_set_visible (GTK_WIDGET (self->documents_label), !volunteer);
  if (self->required_group == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->groups[PD_FIELD_GROUP_INTAKE]), !volunteer);
  gtk_widget_set_visible (GTK_WIDGET (self->required_group), !volunteer);
}

static void ensure_rows (PdDossierForm *self);

/* The photo and the scanned documents */

static const char *
document_label (const char *kind)
{
  for (PdSaneDocument d = 0; d < PD_SANE_N_DOCUMENTS; d++)
    if (g_strcmp0 (pd_sane_document_get_kind (d), kind) == 0)
      return pd_sane_document_get_label (d);
  return kind;
}

static void
show_photo (PdDossierForm *self,
            GBytes        *jpeg)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (jpeg != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* The photo may come from the central system (a prepared declaration): read it with
       * the photo checks' guarded reader, not gdk_texture_new_from_bytes(), which would decode
       * any coding or claimed size on the UI thread. */
      g_autoptr(GdkPixbuf) pixbuf = pd_photo_image_load_bytes (jpeg, &error);

      if (pixbuf != NULL)
        texture = gdk_texture_new_for_pixbuf (pixbuf);
      else
        g_warning ("Cannot show the photo: %s", error->message);
    }
  gtk_picture_set_paintable (self->photo_thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->photo_thumbnail), texture != NULL);

  if (texture == NULL)
    adw_action_row_set_subtitle (self->photo_row, _("No photo yet: take it with the camera or import it from a file"));
  else if (self->photo_override != NULL)
    adw_action_row_set_subtitle (self->photo_row, _("Taken with failed checks overridden; the reason is recorded when the application is saved"));
  else
    adw_action_row_set_subtitle (self->photo_row, _("Meets the photo standard"));
  refresh_required (self);
}

static void
show_documents (PdDossierForm *self)
{
  GPtrArray *lists[] = { self->stored, self->pending };

  for (guint i = 0; i < self->document_rows->len; i++)
    adw_preferences_group_remove (self->documents_group, g_ptr_array_index (self->document_rows, i));
  g_ptr_array_set_size (self->document_rows, 0);

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const Attachment *a = g_ptr_array_index (lists[l], i);
        GtkWidget *row = adw_action_row_new ();
        g_autofree char *size = g_format_size (a->size);
        g_autofree char *subtitle = NULL;

        if (a->data != NULL)
          /* Translators: %s is a file size such as "1.2 MB". */
          subtitle = g_strdup_printf (_("%s, stored when the application is saved"), size);
        else
          subtitle = g_strdup_printf (_("%s, stored encrypted"), size);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), document_label (a->kind));
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("x-office-document-symbolic"));
        adw_preferences_group_add (self->documents_group, row);
        g_ptr_array_add (self->document_rows, row);
      }

  if (self->document_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No scanned documents"));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (self->documents_group, row);
      g_ptr_array_add (self->document_rows, row);
    }
  refresh_required (self);
}

/* The required documents */

/* What the form shows of the papers, for the core's rules; @kinds holds the kinds listed. */
static void
get_evidence (PdDossierForm   *self,
              PdPaperEvidence *evidence,
              GPtrArray       *kinds)
{
  GPtrArray *lists[] = { self->stored, self->pending };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      g_ptr_array_add (kinds, ((Attachment *) g_ptr_array_index (lists[l], i))->kind);
  evidence->ticks = self->required_ticks;
  evidence->attachment_kinds = kinds;
  evidence->id_card_seen = self->id_card_seen;
  evidence->declaration_seen = self->declaration_seen;
  /* A stored photo shows in the thumbnail without being the dossier's. */
  evidence->photo_seen = self->photo_thumbnail != NULL &&
                         gtk_widget_get_visible (GTK_WIDGET (self->photo_thumbnail));
}

static gboolean
is_ticked (PdDossierForm            *self,
           const PdRequiredDocument *document)
{
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  PdPaperEvidence evidence;

  get_evidence (self, &evidence, kinds);
  return pd_required_document_is_ticked (document, self->dossier, &evidence);
}

static gboolean
has_evidence (PdDossierForm            *self,
              const PdRequiredDocument *document)
{
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  PdPaperEvidence evidence;

  get_evidence (self, &evidence, kinds);
  return pd_required_document_has_evidence (document, self->dossier, &evidence);
}

static void
update_documents_label (PdDossierForm *self)
{
  guint n = self->required_shown ? self->required_shown->len : 0;
  guint n_ticked = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    if (is_ticked (self, g_ptr_array_index (self->required_shown, i)))
      n_ticked++;
  if (n == 0)
    text = g_strdup ("");
  else if (n_ticked == n)
    text = g_strdup_printf (_("Documents: all %u checked"), n);
  else
    /* Translators: documents checked of those required, e.g. "Documents: 2 of 4 (Ctrl+K)". */
    text = g_strdup_printf (_("Documents: %u of %u (Ctrl+K)"), n_ticked, n);
  gtk_label_set_label (self->documents_label, text);
  if (n_ticked == n)
    gtk_widget_remove_css_class (GTK_WIDGET (self->documents_label), "warning");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->documents_label), "warning");
}

static void
required_toggled_cb (GtkCheckButton *check,
                     PdDossierForm  *self)
{
  const char *code = g_object_get_data (G_OBJECT (check), "pd-code");

  if (self->updating > 0)
    return;
  for (guint i = 0; i < self->required_shown->len; i++)
    {
      const PdRequiredDocument *document = g_ptr_array_index (self->required_shown, i);

      if (g_str_equal (document->code, code) && pd_required_document_is_held (document))
        {
          self->updating++;
          gtk_check_button_set_active (check, has_evidence (self, document));
          self->updating--;
          return;
        }
    }
  g_hash_table_insert (self->required_ticks, g_strdup (code),
                       GUINT_TO_POINTER (gtk_check_button_get_active (check) ? PD_PAPER_TICK_YES : PD_PAPER_TICK_NO));
  update_documents_label (self);
}

static void
refresh_required (PdDossierForm *self)
{
  g_autoptr(GPtrArray) shown = NULL;
  GDate today;

  if (self->required_group == NULL)
    return;

  for (guint i = 0; i < self->required_rows->len; i++)
    adw_preferences_group_remove (self->required_group, g_ptr_array_index (self->required_rows, i));
  g_ptr_array_set_size (self->required_rows, 0);

  get_today (&today);
  shown = pd_required_documents_for_dossier (self->required_all, self->dossier, &today);
  g_clear_pointer (&self->required_shown, g_ptr_array_unref);
  self->required_shown = g_ptr_array_ref (shown);

  self->updating++;
  for (guint i = 0; i < shown->len; i++)
    {
      const PdRequiredDocument *document = g_ptr_array_index (shown, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), document->label);
      if (has_evidence (self, document))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Ticked from what was scanned or taken"));
      else if (pd_required_document_is_held (document))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Take the photo (Ctrl+T): it ticks itself"));
      gtk_widget_set_sensitive (check, !pd_required_document_is_held (document));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), is_ticked (self, document));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      document->label, -1);
      g_object_set_data_full (G_OBJECT (check), "pd-code", g_strdup (document->code), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (required_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->required_group, row);
      g_ptr_array_add (self->required_rows, row);
    }
  self->updating--;

  if (shown->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     self->required_all == NULL
                                     ? _("The list of required documents cannot be read: reinstall Passdesk")
                                     : _("Choose the request to see the documents to check"));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (self->required_group, row);
      g_ptr_array_add (self->required_rows, row);
    }
  update_documents_label (self);
}

GPtrArray *
pd_dossier_form_get_missing_documents (PdDossierForm *self)
{
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  PdPaperEvidence evidence;

  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), g_ptr_array_new_with_free_func (g_free));

  get_evidence (self, &evidence, kinds);
  return pd_required_documents_missing (self->required_shown, self->dossier, &evidence);
}

GPtrArray *
pd_dossier_form_get_required_checks (PdDossierForm *self)
{
  GPtrArray *checks = g_ptr_array_new ();

  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), checks);

  for (guint i = 0; self->required_shown != NULL && i < self->required_shown->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->required_rows, i);
      GtkWidget *check = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));

      g_ptr_array_add (checks, check);
    }
  return checks;
}

void
pd_dossier_form_note_id_card (PdDossierForm *self)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  self->id_card_seen = TRUE;
  refresh_required (self);
}

void
pd_dossier_form_note_declaration (PdDossierForm *self)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  self->declaration_seen = TRUE;
  refresh_required (self);
}

typedef struct
{
  GPtrArray *documents;   /* Attachment without data */
  GBytes    *photo;
} StoredAttachments;

static void
stored_attachments_free (StoredAttachments *stored)
{
  g_clear_pointer (&stored->documents, g_ptr_array_unref);
  g_clear_pointer (&stored->photo, g_bytes_unref);
  g_free (stored);
}

static void
list_attachments_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  PdStore *store = source_object;
  gint64 id = *(gint64 *) task_data;
  GError *error = NULL;
  g_autoptr(GArray) ids = pd_store_list_attachments (store, id, &error);
  StoredAttachments *stored;

  if (ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  stored = g_new0 (StoredAttachments, 1);
  stored->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *kind = NULL;
      g_autofree char *mime_type = NULL;
      g_autoptr(GBytes) data = pd_store_get_attachment (store, g_array_index (ids, gint64, i),
                                                        &kind, &mime_type, &error);

      if (data == NULL)
        {
          stored_attachments_free (stored);
          g_task_return_error (task, error);
          return;
        }
      /* Oldest first: the last photo is the one in use. */
      if (g_strcmp0 (kind, "photo") == 0)
        {
          g_clear_pointer (&stored->photo, g_bytes_unref);
          stored->photo = g_steal_pointer (&data);
        }
      else
        g_ptr_array_add (stored->documents, attachment_new (kind, mime_type, NULL, g_bytes_get_size (data)));
    }
  g_task_return_pointer (task, stored, (GDestroyNotify) stored_attachments_free);
}

static void
list_attachments_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  PdDossierForm *self = user_data;
  g_autoptr(GError) error = NULL;
  StoredAttachments *stored = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (stored == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot list the scanned documents: %s"), error->message);

      toast (self, message);
      return;
    }
  g_ptr_array_set_size (self->stored, 0);
  g_ptr_array_extend_and_steal (self->stored, g_steal_pointer (&stored->documents));
  /* A photo taken meanwhile wins over the stored one. */
  if (pd_dossier_get_photo (self->dossier) == NULL)
    show_photo (self, stored->photo);
  stored_attachments_free (stored);
  show_documents (self);
}

static void
list_attachments (PdDossierForm *self)
{
  g_autoptr(GTask) task = NULL;
  gint64 *id;

  g_cancellable_cancel (self->attachments_cancellable);
  g_clear_object (&self->attachments_cancellable);
  if (self->store == NULL || pd_dossier_get_id (self->dossier) == 0)
    return;
  self->attachments_cancellable = g_cancellable_new ();
  id = g_new (gint64, 1);
  *id = pd_dossier_get_id (self->dossier);
  /* The form outlives the task: the cancellable is cancelled on dispose. */
  task = g_task_new (self->store, self->attachments_cancellable, list_attachments_cb, self);
  g_task_set_source_tag (task, list_attachments);
  g_task_set_task_data (task, id, g_free);
  g_task_run_in_thread (task, list_attachments_thread);
}

typedef struct
{
  gint64      dossier_id;
  char       *actor;
  Attachment *attachment;
} AttachData;

static void
attach_data_free (AttachData *data)
{
  g_free (data->actor);
  attachment_free (data->attachment);
  g_free (data);
}

static void
attach_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AttachData *data = task_data;
  GError *error = NULL;

  if (pd_store_add_attachment (source_object, data->dossier_id, data->attachment->kind,
                               data->attachment->mime_type, data->attachment->data, data->actor,
                               &error) == 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
attach_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PdDossierForm) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The scan was not stored: %s. Scan it again."), error->message);

      toast (self, message);
      return;
    }
  toast (self, _("Scanned document stored with the application"));
  if (pd_dossier_get_id (self->dossier) == ((AttachData *) g_task_get_task_data (G_TASK (result)))->dossier_id)
    list_attachments (self);
}

void
pd_dossier_form_add_attachment (PdDossierForm *self,
                                const char    *kind,
                                const char    *mime_type,
                                GBytes        *data)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  g_return_if_fail (kind != NULL && mime_type != NULL && data != NULL);

  ensure_rows (self);

  /* A new application has no id yet: the scan waits for the save. */
  if (self->store == NULL || pd_dossier_get_id (self->dossier) == 0)
    {
      g_ptr_array_add (self->pending, attachment_new (kind, mime_type, data, g_bytes_get_size (data)));
      show_documents (self);
      return;
    }

  {
    g_autoptr(GTask) task = g_task_new (self->store, self->cancellable, attach_cb, g_object_ref (self));
    AttachData *attach = g_new0 (AttachData, 1);

    attach->dossier_id = pd_dossier_get_id (self->dossier);
    attach->actor = g_strdup (g_get_user_name ());
    attach->attachment = attachment_new (kind, mime_type, data, g_bytes_get_size (data));
    g_task_set_source_tag (task, pd_dossier_form_add_attachment);
    g_task_set_task_data (task, attach, (GDestroyNotify) attach_data_free);
    g_task_run_in_thread (task, attach_thread);
  }
}

guint
pd_dossier_form_get_n_documents (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), 0);
  return self->stored->len + self->pending->len;
}

void
pd_dossier_form_set_photo (PdDossierForm *self,
                           GBytes        *jpeg,
                           const char    *override_detail)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  g_return_if_fail (jpeg != NULL);

  ensure_rows (self);
  pd_dossier_set_photo (self->dossier, jpeg);
  g_free (self->photo_override);
  self->photo_override = g_strdup (override_detail);
  show_photo (self, jpeg);
}

GtkPicture *
pd_dossier_form_get_photo_thumbnail (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);
  ensure_rows (self);
  return self->photo_thumbnail;
}

static void
build_attachment_rows (PdDossierForm *self)
{
  GtkWidget *button;

  self->photo_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->photo_row), _("Photo"));
  self->photo_thumbnail = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->photo_thumbnail, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->photo_thumbnail), 40, 60);
  gtk_widget_set_margin_top (GTK_WIDGET (self->photo_thumbnail), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->photo_thumbnail), 6);
  gtk_picture_set_alternative_text (self->photo_thumbnail, _("The applicant’s photo"));
  adw_action_row_add_prefix (self->photo_row, GTK_WIDGET (self->photo_thumbnail));
  button = gtk_button_new_with_mnemonic (_("_Take Photo…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.photo");
  gtk_widget_set_tooltip_text (button, _("Open the camera page (Ctrl+T)"));
  adw_action_row_add_suffix (self->photo_row, button);
  adw_preferences_group_add (self->groups[PD_FIELD_GROUP_PERSON], GTK_WIDGET (self->photo_row));

  self->documents_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->documents_group, _("Scanned Documents"));
  adw_preferences_group_set_description (self->documents_group,
                                         _("ID card, old passport and other papers, stored encrypted with the application"));
  button = gtk_button_new_with_mnemonic (_("_Attach Scan…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.attach-scan");
  gtk_widget_set_tooltip_text (button, _("Scan a document with the scanner and attach it (Ctrl+D)"));
  adw_preferences_group_set_header_suffix (self->documents_group, button);
  adw_preferences_page_add (self->page, self->documents_group);

  self->required_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->required_group, _("Required Documents"));
  adw_preferences_group_set_description (self->required_group,
                                         _("Tick each paper the applicant handed in or showed; "
                                           "scanned papers, the ID card read and the photo tick themselves"));
  adw_preferences_page_add (self->page, self->required_group);
}


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
  build_attachment_rows (self);
  show_for_role (self);
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
  g_hash_table_remove_all (self->required_ticks);
  self->id_card_seen = FALSE;
  self->declaration_seen = FALSE;

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

  g_clear_pointer (&self->photo_override, g_free);
  g_ptr_array_set_size (self->pending, 0);
  g_ptr_array_set_size (self->stored, 0);
  show_photo (self, pd_dossier_get_photo (dossier));
  show_documents (self);
  list_attachments (self);
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
  /* An online declaration names the request, not the fee: it is taken from the fee table. */
  if (pd_dossier_get_field (copy, PD_FIELD_FEE_CODE) == NULL)
    fill_fee (self);
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
  /* A commune set before its province (the fields' order) is kept by the refill. */
  if (pd_field_get_info (field)->kind == PD_FIELD_KIND_PROVINCE)
    refill_communes (self, field);
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
  for (guint f = 0; f < PD_N_FIELDS; f++)
    g_clear_pointer (&self->rows[f].model_key, g_free);
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
  PdIntake *intake = PD_INTAKE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) saved = NULL;
  g_autofree char *message = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == pd_intake_accept_async)
    saved = pd_intake_accept_finish (intake, result, &error);
  else
    saved = pd_intake_set_aside_finish (intake, result, &error);
  if (saved == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      pd_dossier_form_focus_first (self);
      g_warning ("Cannot save the application: %s", error->message);
      message = g_strdup_printf (_("Not saved: %s. What was typed is kept; try again."), error->message);
      toast (self, message);
      return;
    }

  set_busy (self, FALSE);
  switch ((int) pd_dossier_get_status (saved))
    {
    case PD_STATUS_ACCEPTED:
      {
        g_autofree char *date = pd_format_display_date (pd_dossier_get_field (saved, PD_FIELD_APPOINTMENT_DATE));

        /* Translators: %s is the applicant's name, then the date the passport is ready. */
        message = g_strdup_printf (_("Application of %s accepted; the result is ready on %s"),
                                   pd_dossier_get_field (saved, PD_FIELD_FULL_NAME), date);
      }
      break;
    case PD_STATUS_ON_HOLD:
      message = g_strdup_printf (_("Application of %s put on hold; open it from the queue to resume"),
                                 pd_dossier_get_field (saved, PD_FIELD_FULL_NAME));
      break;
    case PD_STATUS_REFUSED:
      message = g_strdup_printf (_("Application of %s refused; the reason is recorded"),
                                 pd_dossier_get_field (saved, PD_FIELD_FULL_NAME));
      break;
    default:
      message = g_strdup_printf (_("Application of %s saved"),
                                 pd_dossier_get_field (saved, PD_FIELD_FULL_NAME));
      break;
    }
  toast (self, message);
  pd_dossier_form_clear (self);
  g_signal_emit (self, signals[SAVED], 0, saved);
}

/* The application as the form holds it, with its waiting scans and what it shows of its
 * papers, taken in by the core in one transaction. */
static void
start_save (PdDossierForm *self,
            PdStatus       status,
            const char    *reason)
{
  g_autoptr(PdIntake) intake = pd_intake_new (self->store, self->dossier);
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  PdPaperEvidence evidence;

  set_busy (self, TRUE);
  for (guint i = 0; i < self->pending->len; i++)
    {
      const Attachment *a = g_ptr_array_index (self->pending, i);

      pd_intake_add_attachment (intake, a->kind, a->mime_type, a->data);
    }
  pd_intake_set_photo_override (intake, self->photo_override);
  get_evidence (self, &evidence, kinds);
  pd_intake_set_evidence (intake, &evidence);
  if (status == PD_STATUS_ACCEPTED)
    pd_intake_accept_async (intake, self->role, self->actor, self->cancellable, save_cb, g_object_ref (self));
  else
    pd_intake_set_aside_async (intake, status, reason, self->role, self->actor, self->cancellable,
                               save_cb, g_object_ref (self));
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

void
pd_dossier_form_accept (PdDossierForm *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  gboolean has_error[PD_N_FIELDS] = { FALSE, };
  GtkWidget *first = NULL;
  guint n_errors = 0;
  GDate today;

  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  if (self->busy || self->store == NULL)
    return;
  ensure_rows (self);

  if (!pd_intake_check_role (self->role, PD_STATUS_ACCEPTED, &error))
    {
      toast (self, error->message);
      return;
    }

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

  /* Every paper of the request is seen before the application leaves the counter; one that
   * is still to come puts it on hold instead. The core checks again as it accepts. */
  missing = pd_dossier_form_get_missing_documents (self);
  if (missing->len > 0)
    {
      g_autofree char *list = NULL;
      g_autofree char *message = NULL;
      AdwToast *notice;

      g_ptr_array_add (missing, NULL);
      list = g_strjoinv ("; ", (char **) missing->pdata);
      /* Translators: %s lists the papers not ticked, separated by semicolons. */
      message = g_strdup_printf (_("Not accepted, still missing: %s. Tick each paper once checked, "
                                   "or put the application on hold (Ctrl+H) until it is brought."),
                                 list);
      notice = adw_toast_new (message);
      adw_toast_set_button_label (notice, _("Put on _Hold"));
      adw_toast_set_action_name (notice, "win.hold");
      pd_toast_show (GTK_WIDGET (self), notice);
      gtk_widget_activate_action (GTK_WIDGET (self), "form.documents", NULL);
      return;
    }

  /* Checked at the counter with the applicant present: the core fills the fee, the ready date
   * and the officer, and it goes to the outbox. */
  start_save (self, PD_STATUS_ACCEPTED, NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  pd_dossier_form_accept (PD_DOSSIER_FORM (widget));
}

gboolean
pd_dossier_form_set_aside (PdDossierForm *self,
                           PdStatus       status,
                           const char    *reason)
{
  g_autofree char *clean = g_strstrip (g_strdup (reason ? reason : ""));
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), FALSE);
  g_return_val_if_fail (status == PD_STATUS_ON_HOLD || status == PD_STATUS_REFUSED, FALSE);

  if (self->busy || self->store == NULL)
    return FALSE;
  ensure_rows (self);
  if (!pd_intake_check_role (self->role, status, &error))
    {
      toast (self, error->message);
      return FALSE;
    }
  if (pd_dossier_form_is_blank (self))
    {
      toast (self, _("Nothing to set aside: the form is empty."));
      return FALSE;
    }
  if (!pd_intake_check_reason (status, clean, &error))
    {
      toast (self, error->message);
      return FALSE;
    }
  start_save (self, status, *clean != '\0' ? clean : NULL);
  return TRUE;
}

static void
set_aside_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       PdDossierForm    *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (g_str_equal (response, "hold"))
    pd_dossier_form_set_aside (self, PD_STATUS_ON_HOLD, gtk_editable_get_text (entry));
  else if (g_str_equal (response, "refuse"))
    pd_dossier_form_set_aside (self, PD_STATUS_REFUSED, gtk_editable_get_text (entry));
}

static void
entry_activate_response_cb (GtkEntry         *entry,
                            AdwMessageDialog *dialog)
{
  const char *response = adw_message_dialog_get_default_response (dialog);

  if (adw_message_dialog_get_response_enabled (dialog, response))
    {
      adw_message_dialog_response (dialog, response);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
}

static void
refuse_reason_changed_cb (GtkEditable      *entry,
                          AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "refuse", *text != '\0');
}

static void
set_aside_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PdDossierForm *self = PD_DOSSIER_FORM (widget);
  gboolean refuse = g_str_equal (action_name, "form.refuse");
  GtkWidget *dialog, *entry;

  if (self->busy || self->store == NULL || pd_dossier_form_is_blank (self))
    {
      toast (self, _("Nothing to set aside: the form is empty."));
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   refuse ? _("Refuse the Application?") : _("Put the Application on Hold?"),
                                   refuse ? _("The applicant is told why. The reason goes into the "
                                              "application’s history.")
                                          : _("The application waits in the queue until it is opened "
                                              "again, for example when the applicant brings a missing paper."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), refuse ? _("Reason (required)") : _("Reason (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  refuse ? _("Reason for the refusal") : _("Reason for the hold"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    refuse ? "refuse" : "hold", refuse ? _("_Refuse") : _("_Hold"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), refuse ? "refuse" : "hold");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  if (refuse)
    {
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "refuse", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "refuse", FALSE);
      g_signal_connect_object (entry, "changed", G_CALLBACK (refuse_reason_changed_cb), dialog, 0);
    }
  g_signal_connect_object (entry, "activate", G_CALLBACK (entry_activate_response_cb), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (set_aside_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

void
pd_dossier_form_set_role (PdDossierForm *self,
                          PdRole         role,
                          const char    *actor)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  self->role = role;
  g_free (self->actor);
  self->actor = g_strdup (actor);

  /* Assisted entry: the citizen reads along, so larger text and a word on what to do; each
   * field is checked as it is typed (see entry_changed_cb()). */
  gtk_widget_set_visible (GTK_WIDGET (self->guidance_label), role == PD_ROLE_VOLUNTEER);
  /* A volunteer hands the citizen a slip for the counter; accepting is the counter's. */
  gtk_widget_set_visible (self->save_button, role != PD_ROLE_VOLUNTEER);
  gtk_widget_set_visible (self->hold_button, role != PD_ROLE_VOLUNTEER);
  gtk_widget_set_visible (self->refuse_button, role != PD_ROLE_VOLUNTEER);
  gtk_widget_set_visible (self->print_slip_button, role == PD_ROLE_VOLUNTEER);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.hold", role != PD_ROLE_VOLUNTEER);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.refuse", role != PD_ROLE_VOLUNTEER);
  show_for_role (self);
  if (role == PD_ROLE_VOLUNTEER)
    {
      static GtkCssProvider *provider;

      if (provider == NULL)
        {
          provider = gtk_css_provider_new ();
          gtk_css_provider_load_from_data (provider,
                                           ".pd-assisted row { font-size: 1.2em; min-height: 60px; }", -1);
          gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                      GTK_STYLE_PROVIDER (provider),
                                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
        }
      gtk_widget_add_css_class (GTK_WIDGET (self), "pd-assisted");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "pd-assisted");
}

PdRole
pd_dossier_form_get_role (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), PD_ROLE_NONE);
  return self->role;
}

/* Ctrl+K: to the checklist, on the first paper not ticked yet. */
static void
documents_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PdDossierForm *self = PD_DOSSIER_FORM (widget);
  GtkWidget *target = NULL;

  ensure_rows (self);
  for (guint i = 0; self->required_shown != NULL && i < self->required_shown->len; i++)
    if (!is_ticked (self, g_ptr_array_index (self->required_shown, i)))
      {
        target = g_ptr_array_index (self->required_rows, i);
        break;
      }
  if (target == NULL && self->required_rows->len > 0)
    target = g_ptr_array_index (self->required_rows, 0);
  if (target == NULL)
    return;
  gtk_widget_grab_focus (target);
  scroll_to_row (self, target);
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
  g_cancellable_cancel (self->attachments_cancellable);
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
      g_clear_pointer (&self->rows[f].model_key, g_free);
      g_clear_pointer (&self->rows[f].format_error, g_free);
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->attachments_cancellable);
  g_clear_pointer (&self->photo_override, g_free);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->stored, g_ptr_array_unref);
  g_clear_pointer (&self->document_rows, g_ptr_array_unref);
  g_clear_pointer (&self->required_all, g_ptr_array_unref);
  g_clear_pointer (&self->required_shown, g_ptr_array_unref);
  g_clear_pointer (&self->required_rows, g_ptr_array_unref);
  g_clear_pointer (&self->required_ticks, g_hash_table_unref);
  g_clear_pointer (&self->actor, g_free);
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
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, documents_label);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, guidance_label);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, save_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, hold_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, refuse_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, print_slip_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, mismatch_panel);

  gtk_widget_class_install_action (widget_class, "form.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "form.hold", NULL, set_aside_action);
  gtk_widget_class_install_action (widget_class, "form.documents", NULL, documents_action);
  gtk_widget_class_install_action (widget_class, "form.refuse", NULL, set_aside_action);
  gtk_widget_class_install_action (widget_class, "form.clear", NULL, clear_action);
}

static void
pd_dossier_form_init (PdDossierForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->dossier = pd_dossier_new ();
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  self->stored = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  self->document_rows = g_ptr_array_new ();
  self->required_rows = g_ptr_array_new ();
  self->required_ticks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* A station that is not enrolled has no sign-in: it is a counter of its own. */
  self->role = PD_ROLE_OFFICER;
  {
    g_autoptr(GError) documents_error = NULL;

    self->required_all = pd_required_documents_load_default (&documents_error);
    if (self->required_all == NULL)
      g_warning ("Cannot read the required documents: %s", documents_error->message);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", FALSE);
  g_signal_connect_object (self->mismatch_panel, "resolved", G_CALLBACK (mismatch_resolved_cb), self, 0);
}
