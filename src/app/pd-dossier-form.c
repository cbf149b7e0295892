/* pd-dossier-form.c: the declaration form (TK01/TK01a) and the intake fields of one application. */
#define G_LOG_DOMAIN "pd-dossier-form"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-dossier-form.h"
#include "pd-format.h"
#include "pd-photo-row.h"
#include "pd-cccd.h"
#include "pd-intake.h"
#include "pd-field-row.h"
#include "pd-form-columns.h"
#include "pd-form-draft.h"
#include "pd-paper-checklist.h"
#include "pd-scan-list.h"
#include "pd-set-aside-dialog.h"
#include "pd-toast.h"
#include "pd-validate.h"
#include "pd-warning-check.h"

struct _PdDossierForm
{
  GtkWidget            parent_instance;

  GtkWidget           *page;            /* the scrolled window of the columns */
  PdFormColumns       *columns;
  GtkLabel            *summary_label;
  GtkLabel            *documents_label;
  GtkLabel            *guidance_label;
  GtkWidget           *save_button;
  GtkWidget           *hold_button;
  GtkWidget           *refuse_button;
  GtkWidget           *print_slip_button;
  PdMismatchPanel     *mismatch_panel;
  GtkWidget           *draft_offer;
  GtkLabel            *draft_label;
  GtkWidget           *restore_button;
  GtkWidget           *slip_question;

  AdwPreferencesGroup *groups[PD_N_FIELD_GROUPS];
  PdFieldRow          *rows[PD_N_FIELDS];

  PdPhotoRow          *photo_row;
  PdScanList          *scans;
  PdPaperChecklist    *checklist;       /* NULL until the rows are built */

  PdRole               role;
  char                *actor;
  char                *signer;
  char                *acceptance_token;

  /* The audit detail of an overridden photo, written when the application is saved. */
  char                *photo_override;

  PdStore             *store;
  PdReference         *reference;
  GSettings           *settings;
  PdDossier           *dossier;
  GCancellable        *cancellable;
  gboolean             busy;
  gboolean             built;
  guint                build_idle;

  /* The draft (pd-form-draft.h): written DRAFT_DELAY_MS after the last change, one write at a
   * time so that they reach the store in order, and never over a draft from before that is
   * still offered (offered_draft) until the officer restores or discards it. */
  GCancellable        *draft_cancellable;
  GBytes              *offered_draft;
  guint                draft_timeout;
  gboolean             draft_loaded;
  gboolean             draft_writing;
  gboolean             draft_again;
  /* What Clear Form took, until undone ("win.undo-clear") or cleared again. */
  GBytes              *cleared;
};

#define DRAFT_DELAY_MS 1000

G_DEFINE_FINAL_TYPE (PdDossierForm, pd_dossier_form, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_DRAFT_OFFERED,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static void refresh_required (PdDossierForm *self);
static void note_changed     (PdDossierForm *self);

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

static void
toast (PdDossierForm *self,
       const char    *message)
{
  pd_toast_show (GTK_WIDGET (self), adw_toast_new (message));
}

/* The ready date the officer typed, checked as the core will check it on accepting. */
static char *
ready_date_message (PdDossierForm *self,
                    const GDate   *today)
{
  const char *chosen = pd_dossier_get_field (self->dossier, PD_FIELD_APPOINTMENT_DATE);
  g_autoptr(GError) error = NULL;

  if (chosen == NULL || pd_intake_check_ready_date (chosen, today, &error))
    return NULL;
  return g_strdup (error->message);
}

static char *
field_message (PdDossierForm *self,
               PdField        field)
{
  GDate today;

  if (pd_field_row_get_format_error (self->rows[field]) != NULL)
    return g_strdup (pd_field_row_get_format_error (self->rows[field]));
  if (self->reference == NULL)
    return NULL;
  pd_date_set_today (&today);
  if (field == PD_FIELD_APPOINTMENT_DATE)
    return ready_date_message (self, &today);
  return pd_validate_field (self->dossier, field, self->reference, &today);
}

static void
check_field (PdDossierForm *self,
             PdField        field)
{
  g_autofree char *message = field_message (self, field);

  pd_field_row_show_error (self->rows[field], message);
}

static void
update_summary (PdDossierForm *self)
{
  guint n = 0;

  for (guint i = 0; i < PD_N_FIELDS; i++)
    if (pd_field_row_get_has_error (self->rows[i]))
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

  pd_date_set_today (&today);
  minor = pd_dossier_is_minor_form (self->dossier, &today);
  gtk_widget_set_visible (GTK_WIDGET (self->groups[PD_FIELD_GROUP_REPRESENTATIVE]), minor);
  refresh_required (self);

  /* A hidden field cannot be fixed: forget its errors until it shows again. */
  if (!minor)
    for (guint i = 0; i < PD_N_FIELDS; i++)
      if (pd_field_get_info (i)->group == PD_FIELD_GROUP_REPRESENTATIVE)
        pd_field_row_show_error (self->rows[i], NULL);
}

static void
fill_combo (PdDossierForm *self,
            PdField        field)
{
  /* A commune that is not in the newly chosen province is no longer an answer. */
  if (!pd_field_row_fill_choices (self->rows[field], self->dossier, self->reference))
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

/* Writes the dossier's value of @field into its widget. */
static void
load_field (PdDossierForm *self,
            PdField        field)
{
  pd_field_row_show_value (self->rows[field], pd_dossier_get_field (self->dossier, field));
}

static void
set_field_from_form (PdDossierForm *self,
                     PdField        field,
                     const char    *value)
{
  pd_dossier_set_field (self->dossier, field, value);
  load_field (self, field);
  if (pd_field_row_get_left (self->rows[field]))
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

/* Another fee chosen: its amount is what is collected, unless the officer types another. */
static void
fill_fee_amount (PdDossierForm *self)
{
  const char *code = pd_dossier_get_field (self->dossier, PD_FIELD_FEE_CODE);
  const PdReferenceEntry *fee;
  g_autofree char *amount = NULL;

  if (code == NULL || self->reference == NULL ||
      (fee = pd_reference_lookup (self->reference, PD_REFERENCE_FEES, code)) == NULL)
    return;
  amount = g_strdup_printf ("%" G_GINT64_FORMAT, fee->amount);
  set_field_from_form (self, PD_FIELD_FEE_AMOUNT, amount);
}

static void
row_edited_cb (PdFieldRow    *row,
               const char    *value,
               PdDossierForm *self)
{
  PdField field = pd_field_row_get_field (row);

  pd_dossier_set_field (self->dossier, field, value);
  note_changed (self);
  /* Warnings tell as the officer types: they never block, so they may show early. */
  pd_warning_check_show (self->rows, self->dossier);

  if (pd_field_is_choice (field))
    {
      if (pd_field_get_info (field)->kind == PD_FIELD_KIND_PROVINCE)
        refill_communes (self, field);
      else if (field == PD_FIELD_REQUEST_TYPE)
        {
          fill_fee (self);
          refresh_required (self);
        }
      else if (field == PD_FIELD_FEE_CODE)
        fill_fee_amount (self);
    }
  else
    {
      if (field == PD_FIELD_BIRTH_DATE)
        update_representative (self);
      /* Once a field has shown an error, it tells as soon as it is fixed; at an
       * assisted-entry station it tells while typing. */
      if (!pd_field_row_get_left (row) && !pd_field_row_get_has_error (row) &&
          self->role != PD_ROLE_VOLUNTEER)
        return;
    }
  check_field (self, field);
  update_summary (self);
}

static void
row_left_cb (PdFieldRow    *row,
             PdDossierForm *self)
{
  if (self->busy)
    return;
  /* Passing through a field left empty is no mistake yet (the form opens on the first one):
   * what it lacks shows once something was typed there, or when the officer accepts. */
  if (!pd_field_row_get_touched (row) && pd_dossier_get_field (self->dossier, pd_field_row_get_field (row)) == NULL)
    return;
  pd_field_row_set_left (row, TRUE);
  check_field (self, pd_field_row_get_field (row));
  update_summary (self);
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
  if (self->checklist == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->groups[PD_FIELD_GROUP_INTAKE]), !volunteer);
  gtk_widget_set_visible (GTK_WIDGET (self->checklist), !volunteer);
}

static void ensure_rows (PdDossierForm *self);

/* The photo and the scanned documents */

static void
show_photo (PdDossierForm *self,
            GBytes        *jpeg)
{
  pd_photo_row_show (self->photo_row, jpeg, self->photo_override != NULL);
  refresh_required (self);
}

/* The required documents */

static void
update_documents_label (PdDossierForm *self)
{
  guint n_ticked = 0;
  guint n = self->checklist ? pd_paper_checklist_count (self->checklist, &n_ticked) : 0;
  g_autofree char *text = NULL;

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
refresh_required (PdDossierForm *self)
{
  g_autoptr(GPtrArray) kinds = NULL;

  if (self->checklist == NULL)
    return;
  kinds = pd_scan_list_get_kinds (self->scans);
  /* A stored photo shows in the thumbnail without being the dossier's. */
  pd_paper_checklist_refresh (self->checklist, self->dossier, kinds,
                              pd_photo_row_get_shown (self->photo_row));
  update_documents_label (self);
}

GPtrArray *
pd_dossier_form_get_missing_documents (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);

  ensure_rows (self);
  return pd_paper_checklist_get_missing (self->checklist);
}

GPtrArray *
pd_dossier_form_get_required_checks (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);

  ensure_rows (self);
  return pd_paper_checklist_get_checks (self->checklist);
}

void
pd_dossier_form_note_id_card (PdDossierForm *self)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  ensure_rows (self);
  pd_paper_checklist_note_id_card (self->checklist);
  refresh_required (self);
}

void
pd_dossier_form_note_declaration (PdDossierForm *self)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  ensure_rows (self);
  pd_paper_checklist_note_declaration (self->checklist);
  refresh_required (self);
}

static void
scans_changed_cb (PdDossierForm *self)
{
  refresh_required (self);
}

static void
stored_photo_cb (PdDossierForm *self,
                 GBytes        *photo)
{
  /* A photo taken meanwhile wins over the stored one. */
  if (pd_dossier_get_photo (self->dossier) == NULL)
    show_photo (self, photo);
}

void
pd_dossier_form_add_attachment (PdDossierForm *self,
                                const char    *kind,
                                const char    *mime_type,
                                GBytes        *data)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  ensure_rows (self);
  pd_scan_list_add (self->scans, kind, mime_type, data);
}

guint
pd_dossier_form_get_n_documents (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), 0);
  return pd_scan_list_get_n_documents (self->scans);
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
  note_changed (self);
}

GtkPicture *
pd_dossier_form_get_photo_thumbnail (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);
  ensure_rows (self);
  return pd_photo_row_get_thumbnail (self->photo_row);
}

static void
build_attachment_rows (PdDossierForm *self)
{
  self->photo_row = pd_photo_row_new ();
  adw_preferences_group_add (self->groups[PD_FIELD_GROUP_PERSON], GTK_WIDGET (self->photo_row));
  pd_form_columns_add (self->columns, GTK_WIDGET (self->scans));
  self->checklist = pd_paper_checklist_new ();
  g_signal_connect_object (self->checklist, "toggled", G_CALLBACK (update_documents_label), self,
                           G_CONNECT_SWAPPED);
  pd_form_columns_add_side (self->columns, GTK_WIDGET (self->checklist));
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
      pd_form_columns_add (self->columns, GTK_WIDGET (pgroup));

      for (guint f = 0; f < PD_N_FIELDS; f++)
        {
          const PdFieldInfo *info = pd_field_get_info (f);
          PdFieldRow *r;

          if (info->group != group)
            continue;

          self->rows[f] = r = pd_field_row_new (f);
          g_signal_connect_object (r, "edited", G_CALLBACK (row_edited_cb), self, 0);
          g_signal_connect_object (r, "left", G_CALLBACK (row_left_cb), self, 0);
          adw_preferences_group_add (pgroup, pd_field_row_get_widget (r));
          adw_preferences_group_add (pgroup, pd_field_row_get_error_row (r));
          adw_preferences_group_add (pgroup, pd_field_row_get_warning_row (r));
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

/* The draft */

/* NULL for a form with nothing of an applicant: its draft is discarded. */
static GBytes *
current_draft (PdDossierForm *self)
{
  if (pd_dossier_form_is_blank (self) && pd_dossier_get_photo (self->dossier) == NULL)
    return NULL;
  return pd_form_draft_encode (self->dossier, self->photo_override);
}

static void write_draft (PdDossierForm *self);

static void
draft_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PdDossierForm) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pd_store_save_draft_finish (PD_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Cannot keep the draft: %s", error->message);
      {
        g_autofree char *message =
          g_strdup_printf (_("What is typed is not kept if the station stops: %s"), error->message);

        toast (self, message);
      }
    }
  self->draft_writing = FALSE;
  if (self->draft_again)
    {
      self->draft_again = FALSE;
      write_draft (self);
    }
}

static void
write_draft (PdDossierForm *self)
{
  g_autoptr(GBytes) content = NULL;

  if (self->store == NULL || !self->draft_loaded || self->offered_draft != NULL || !self->built)
    return;
  if (self->draft_writing)
    {
      self->draft_again = TRUE;
      return;
    }
  content = current_draft (self);
  self->draft_writing = TRUE;
  pd_store_save_draft_async (self->store, PD_FORM_DRAFT_SLOT, content, self->draft_cancellable,
                             draft_written_cb, g_object_ref (self));
}

static gboolean
draft_timeout_cb (gpointer user_data)
{
  PdDossierForm *self = user_data;

  self->draft_timeout = 0;
  write_draft (self);
  return G_SOURCE_REMOVE;
}

/* Typing goes on: the draft is written once it pauses. */
static void
note_changed (PdDossierForm *self)
{
  if (self->store == NULL || !self->draft_loaded)
    return;
  g_clear_handle_id (&self->draft_timeout, g_source_remove);
  self->draft_timeout = g_timeout_add (DRAFT_DELAY_MS, draft_timeout_cb, self);
}

void
pd_dossier_form_save_draft (PdDossierForm *self)
{
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  g_clear_handle_id (&self->draft_timeout, g_source_remove);
  if (self->store == NULL || self->offered_draft != NULL || !self->built)
    return;
  /* Closed before the draft from before was read: it is kept rather than overwritten. */
  if (!self->draft_loaded)
    {
      g_autoptr(GBytes) before = pd_store_load_draft (self->store, PD_FORM_DRAFT_SLOT, NULL, &error);

      if (before != NULL || error != NULL)
        return;
    }
  content = current_draft (self);
  if (!(content != NULL ? pd_store_save_draft (self->store, PD_FORM_DRAFT_SLOT, content, &error)
                        : pd_store_discard_draft (self->store, PD_FORM_DRAFT_SLOT, &error)))
    g_warning ("Cannot keep the draft: %s", error->message);
  /* A write still under way holds older content: the newest is written again after it. */
  if (self->draft_writing)
    self->draft_again = TRUE;
}

gboolean
pd_dossier_form_get_draft_offered (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), FALSE);
  return self->offered_draft != NULL;
}

static void
offer_draft (PdDossierForm *self,
             GBytes        *content,
             gint64         saved_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) dossier = pd_form_draft_decode (content, NULL, &error);
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (saved_at);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;
  const char *name;

  if (dossier == NULL)
    {
      toast (self, error->message);
      return;
    }
  self->offered_draft = g_bytes_ref (content);
  name = pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME);
  if (g_date_time_get_year (at) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (at) == g_date_time_get_day_of_year (now))
    when = g_date_time_format (at, "%H:%M");
  else
    when = g_date_time_format (at, "%H:%M %d/%m/%Y");
  if (name != NULL)
    /* Translators: %s is when the form was last changed (14:32, or 14:32 05/12/2026), then the
     * applicant's name. */
    text = g_strdup_printf (_("An unfinished application from %s (%s) was kept. Restore it, or discard it for good."),
                            when, name);
  else
    /* Translators: %s is when the form was last changed (14:32, or 14:32 05/12/2026). */
    text = g_strdup_printf (_("An unfinished application from %s was kept. Restore it, or discard it for good."),
                            when);
  gtk_label_set_label (self->draft_label, text);
  gtk_widget_set_visible (self->draft_offer, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRAFT_OFFERED]);
}

static void
draft_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PdDossierForm) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = NULL;
  gint64 saved_at = 0;

  content = pd_store_load_draft_finish (PD_STORE (object), result, &saved_at, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || PD_STORE (object) != self->store)
    return;
  self->draft_loaded = TRUE;
  if (error != NULL)
    toast (self, error->message);
  else if (content != NULL)
    offer_draft (self, content, saved_at);
  else if (!pd_dossier_form_is_blank (self))
    note_changed (self);
}

/* Shows what @content holds in place of what the form shows. */
static gboolean
show_draft (PdDossierForm *self,
            GBytes        *content)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *photo_override = NULL;
  g_autoptr(PdDossier) dossier = pd_form_draft_decode (content, &photo_override, &error);

  if (dossier == NULL)
    {
      toast (self, error->message);
      return FALSE;
    }
  pd_dossier_form_load (self, dossier);
  if (photo_override != NULL && pd_dossier_get_photo (dossier) != NULL)
    pd_dossier_form_set_photo (self, pd_dossier_get_photo (dossier), photo_override);
  return TRUE;
}

static void
answer_offer (PdDossierForm *self,
              gboolean       restore)
{
  g_autoptr(GBytes) content = g_steal_pointer (&self->offered_draft);

  if (content == NULL)
    return;
  gtk_widget_set_visible (self->draft_offer, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRAFT_OFFERED]);
  if (restore && show_draft (self, content))
    pd_dossier_form_focus_first (self);
  /* Discarded: what the form holds now (typed meanwhile, or nothing) takes its place. */
  write_draft (self);
}

static void
restore_draft_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  answer_offer (PD_DOSSIER_FORM (widget), TRUE);
}

static void
discard_draft_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  answer_offer (PD_DOSSIER_FORM (widget), FALSE);
}

void
pd_dossier_form_ask_slip_printed (PdDossierForm *self,
                                  gboolean       ask)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));
  gtk_widget_set_visible (self->slip_question, ask);
}

gboolean
pd_dossier_form_get_asking_slip_printed (PdDossierForm *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), FALSE);
  return gtk_widget_get_visible (self->slip_question);
}

gboolean
pd_dossier_form_undo_clear (PdDossierForm *self)
{
  g_autoptr(GBytes) cleared = NULL;
  g_autoptr(GBytes) typed = NULL;

  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), FALSE);

  if (self->cleared == NULL || self->busy)
    return FALSE;
  cleared = g_steal_pointer (&self->cleared);
  /* Typed since the clear: put aside in turn, so that Undo loses nothing either. */
  typed = current_draft (self);
  if (!show_draft (self, cleared))
    return FALSE;
  pd_dossier_form_focus_first (self);
  if (typed != NULL)
    {
      AdwToast *notice = adw_toast_new (_("Form restored; what was typed after clearing it is put aside"));

      self->cleared = g_steal_pointer (&typed);
      adw_toast_set_button_label (notice, _("_Undo"));
      adw_toast_set_action_name (notice, "win.undo-clear");
      pd_toast_show (GTK_WIDGET (self), notice);
    }
  else
    toast (self, _("Form restored"));
  return TRUE;
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
  pd_paper_checklist_reset (self->checklist);

  for (guint f = 0; f < PD_N_FIELDS; f++)
    {
      PdFieldRow *r = self->rows[f];

      pd_field_row_clear_format_error (r);
      pd_field_row_set_left (r, FALSE);
      gtk_widget_remove_css_class (pd_field_row_get_widget (r), "warning");
      if (pd_field_is_choice (f))
        fill_combo (self, f);
      else
        load_field (self, f);
      pd_field_row_show_error (self->rows[f], NULL);
    }

  update_representative (self);
  update_summary (self);
  pd_warning_check_show (self->rows, self->dossier);

  g_clear_pointer (&self->photo_override, g_free);
  show_photo (self, pd_dossier_get_photo (dossier));
  pd_scan_list_show (self->scans, self->store, pd_dossier_get_id (dossier));
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
  gtk_widget_set_visible (self->slip_question, FALSE);
  /* An application taken in, or a form cleared on purpose, leaves no draft: at once, so that
   * a crash a moment later does not offer it again. */
  g_clear_handle_id (&self->draft_timeout, g_source_remove);
  write_draft (self);
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
  note_changed (self);
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
  pd_field_row_clear_format_error (self->rows[field]);
  set_field_from_form (self, field, value);
  /* A commune set before its province (the fields' order) is kept by the refill. */
  if (pd_field_get_info (field)->kind == PD_FIELD_KIND_PROVINCE)
    refill_communes (self, field);
  if (field == PD_FIELD_BIRTH_DATE)
    update_representative (self);
  update_summary (self);
  pd_warning_check_show (self->rows, self->dossier);
  note_changed (self);
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
  gtk_widget_remove_css_class (pd_field_row_get_widget (self->rows[field]), "warning");
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
    gtk_widget_remove_css_class (pd_field_row_get_widget (self->rows[f]), "warning");
  for (guint i = 0; i < mismatches->len; i++)
    {
      const PdCccdMismatch *m = g_ptr_array_index (mismatches, i);

      gtk_widget_add_css_class (pd_field_row_get_widget (self->rows[m->field]), "warning");
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
  gtk_widget_grab_focus (pd_field_row_get_widget (self->rows[PD_FIELD_FULL_NAME]));
  scroll_to_row (self, pd_field_row_get_widget (self->rows[PD_FIELD_FULL_NAME]));
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
  /* Nothing is written before the draft kept from before is known (and offered). */
  g_clear_handle_id (&self->draft_timeout, g_source_remove);
  self->draft_loaded = FALSE;
  pd_store_load_draft_async (store, PD_FORM_DRAFT_SLOT, self->draft_cancellable, draft_loaded_cb,
                             g_object_ref (self));
  g_clear_object (&self->reference);
  self->reference = pd_store_get_reference (store);
  for (guint f = 0; self->built && f < PD_N_FIELDS; f++)
    pd_field_row_forget_choices (self->rows[f]);
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
  return pd_field_row_get_widget (self->rows[field]);
}

GtkLabel *
pd_dossier_form_get_error_label (PdDossierForm *self,
                                 PdField        field)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);
  ensure_rows (self);
  return pd_field_row_get_error_label (self->rows[field]);
}

GtkLabel *
pd_dossier_form_get_warning_label (PdDossierForm *self,
                                   PdField        field)
{
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (self), NULL);
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);
  ensure_rows (self);
  return pd_field_row_get_warning_label (self->rows[field]);
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

      if (focus != NULL && gtk_widget_is_ancestor (focus, self->page))
        gtk_root_set_focus (root, NULL);
    }
  gtk_widget_set_sensitive (self->page, !busy);
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
  PdPaperEvidence evidence;

  set_busy (self, TRUE);
  pd_scan_list_add_pending_to (self->scans, intake);
  pd_intake_set_photo_override (intake, self->photo_override);
  pd_paper_checklist_get_evidence (self->checklist, &evidence);
  pd_intake_set_evidence (intake, &evidence);
  pd_intake_set_signer (intake, self->signer);
  if (status == PD_STATUS_ACCEPTED)
    pd_intake_accept_async (intake, self->role, self->actor, self->acceptance_token, self->cancellable,
                            save_cb, g_object_ref (self));
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

static void
warnings_answered_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PdDossierForm) self = user_data;
  g_autoptr(GError) error = NULL;

  if (pd_warning_check_ask_finish (result, &error))
    {
      start_save (self, PD_STATUS_ACCEPTED, NULL);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Not accepted: %s. Try again."), error->message);

      toast (self, message);
      return;
    }
  /* Back to the form: to the first row that warns. */
  for (guint g = 0; g < G_N_ELEMENTS (group_order); g++)
    for (guint f = 0; f < PD_N_FIELDS; f++)
      if (pd_field_get_info (f)->group == group_order[g] && pd_field_row_get_has_warning (self->rows[f]))
        {
          gtk_widget_grab_focus (pd_field_row_get_widget (self->rows[f]));
          scroll_to_row (self, pd_field_row_get_widget (self->rows[f]));
          return;
        }
}

void
pd_dossier_form_accept (PdDossierForm *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
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
                                  GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (pd_field_row_get_widget (self->rows[0]), GTK_TYPE_SCROLLED_WINDOW))), 0.0);
      return;
    }

  pd_date_set_today (&today);
  errors = pd_validate_dossier (self->dossier, self->reference, &today);

  for (guint f = 0; f < PD_N_FIELDS; f++)
    {
      pd_field_row_set_left (self->rows[f], TRUE);
      if (pd_field_row_get_format_error (self->rows[f]) != NULL)
        {
          pd_field_row_show_error (self->rows[f], pd_field_row_get_format_error (self->rows[f]));
          has_error[f] = TRUE;
        }
    }
  for (guint i = 0; i < errors->len; i++)
    {
      PdFieldError *e = g_ptr_array_index (errors, i);

      if (e->field < 0 || e->field >= PD_N_FIELDS || has_error[e->field])
        continue;
      pd_field_row_show_error (self->rows[e->field], e->message);
      has_error[e->field] = TRUE;
    }
  if (!has_error[PD_FIELD_APPOINTMENT_DATE])
    {
      g_autofree char *message = ready_date_message (self, &today);

      if (message != NULL)
        {
          pd_field_row_show_error (self->rows[PD_FIELD_APPOINTMENT_DATE], message);
          has_error[PD_FIELD_APPOINTMENT_DATE] = TRUE;
        }
    }

  for (guint g = 0; g < G_N_ELEMENTS (group_order); g++)
    for (guint f = 0; f < PD_N_FIELDS; f++)
      {
        if (pd_field_get_info (f)->group != group_order[g])
          continue;
        if (!has_error[f])
          pd_field_row_show_error (self->rows[f], NULL);
        else
          {
            n_errors++;
            if (first == NULL)
              first = pd_field_row_get_widget (self->rows[f]);
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

  /* Something unusual (a sex digit that disagrees, say) is asked about, never silently let
   * through: see pd-warning-check.h. */
  warnings = pd_warning_check_list (self->dossier);
  pd_warning_check_show (self->rows, self->dossier);
  if (warnings->len > 0)
    {
      set_busy (self, TRUE);
      pd_warning_check_ask_async (GTK_WIDGET (self), self->store, self->dossier, self->actor, warnings,
                                  self->cancellable, warnings_answered_cb, g_object_ref (self));
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
set_aside_chosen_cb (PdDossierForm *self,
                     int            status,
                     const char    *reason)
{
  pd_dossier_form_set_aside (self, status, reason);
}

static void
set_aside_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PdDossierForm *self = PD_DOSSIER_FORM (widget);
  PdSetAsideDialog *dialog;

  if (self->busy || self->store == NULL || pd_dossier_form_is_blank (self))
    {
      toast (self, _("Nothing to set aside: the form is empty."));
      return;
    }
  dialog = pd_set_aside_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                    g_str_equal (action_name, "form.refuse") ? PD_STATUS_REFUSED
                                                                              : PD_STATUS_ON_HOLD);
  g_signal_connect_object (dialog, "chosen", G_CALLBACK (set_aside_chosen_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog)));
}

void
pd_dossier_form_set_signer (PdDossierForm *self,
                            const char    *full_name)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  g_free (self->signer);
  self->signer = g_strdup (full_name);
}

void
pd_dossier_form_set_role (PdDossierForm *self,
                          PdRole         role,
                          const char    *actor,
                          const char    *acceptance_token)
{
  g_return_if_fail (PD_IS_DOSSIER_FORM (self));

  self->role = role;
  g_free (self->actor);
  self->actor = g_strdup (actor);
  g_free (self->acceptance_token);
  self->acceptance_token = g_strdup (acceptance_token);

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
  /* Larger rows for the citizen reading along (ui/style.css). */
  if (role == PD_ROLE_VOLUNTEER)
    gtk_widget_add_css_class (GTK_WIDGET (self), "pd-assisted");
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
  GtkWidget *target;

  ensure_rows (self);
  target = pd_paper_checklist_get_first_unticked_row (self->checklist);
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
  g_autoptr(GBytes) content = current_draft (self);

  pd_dossier_form_clear (self);
  pd_dossier_form_focus_first (self);
  /* One click should not lose an application: what it took comes back with Undo. */
  if (content != NULL)
    {
      AdwToast *notice = adw_toast_new (_("Form cleared"));

      g_clear_pointer (&self->cleared, g_bytes_unref);
      self->cleared = g_steal_pointer (&content);
      adw_toast_set_button_label (notice, _("_Undo"));
      adw_toast_set_action_name (notice, "win.undo-clear");
      pd_toast_show (GTK_WIDGET (self), notice);
    }
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
  g_cancellable_cancel (self->draft_cancellable);
  g_clear_handle_id (&self->draft_timeout, g_source_remove);
  pd_scan_list_cancel (self->scans);
  g_clear_handle_id (&self->build_idle, g_source_remove);
  /* The rows, the scans and the checklist outlive the page a little: nothing of the form is
   * called back once it goes. */
  for (guint f = 0; f < PD_N_FIELDS; f++)
    if (self->rows[f] != NULL)
      g_signal_handlers_disconnect_by_data (self->rows[f], self);
  g_signal_handlers_disconnect_by_data (self->scans, self);
  if (self->checklist != NULL)
    g_signal_handlers_disconnect_by_data (self->checklist, self);
  /* Owned by the page, which goes now. */
  self->checklist = NULL;
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
    g_clear_object (&self->rows[f]);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->draft_cancellable);
  g_clear_pointer (&self->offered_draft, g_bytes_unref);
  g_clear_pointer (&self->cleared, g_bytes_unref);
  g_clear_pointer (&self->photo_override, g_free);
  g_clear_object (&self->scans);
  g_clear_pointer (&self->actor, g_free);
  g_clear_pointer (&self->signer, g_free);
  g_clear_pointer (&self->acceptance_token, g_free);
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
    case PROP_DRAFT_OFFERED:
      g_value_set_boolean (value, self->offered_draft != NULL);
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
  /* The window shows the form while it offers a draft from before: where the officer looks. */
  properties[PROP_DRAFT_OFFERED] =
    g_param_spec_boolean ("draft-offered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted once the application is in the store; the form has already been cleared. */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, PD_TYPE_DOSSIER);

  g_type_ensure (PD_TYPE_MISMATCH_PANEL);
  g_type_ensure (PD_TYPE_FORM_COLUMNS);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-dossier-form.ui");
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, page);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, columns);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, documents_label);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, guidance_label);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, save_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, hold_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, refuse_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, print_slip_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, mismatch_panel);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, draft_offer);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, draft_label);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, restore_button);
  gtk_widget_class_bind_template_child (widget_class, PdDossierForm, slip_question);

  gtk_widget_class_install_action (widget_class, "form.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "form.hold", NULL, set_aside_action);
  gtk_widget_class_install_action (widget_class, "form.documents", NULL, documents_action);
  gtk_widget_class_install_action (widget_class, "form.refuse", NULL, set_aside_action);
  gtk_widget_class_install_action (widget_class, "form.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "form.restore-draft", NULL, restore_draft_action);
  gtk_widget_class_install_action (widget_class, "form.discard-draft", NULL, discard_draft_action);
}

static void
pd_dossier_form_init (PdDossierForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->draft_cancellable = g_cancellable_new ();
  self->dossier = pd_dossier_new ();
  /* A station that is not enrolled has no sign-in: it is a counter of its own. */
  self->role = PD_ROLE_OFFICER;
  /* Made now, shown with the rows: a scan may come before them. */
  self->scans = g_object_ref_sink (pd_scan_list_new ());
  g_signal_connect_object (self->scans, "changed", G_CALLBACK (scans_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scans, "photo-loaded", G_CALLBACK (stored_photo_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", FALSE);
  g_signal_connect_object (self->mismatch_panel, "resolved", G_CALLBACK (mismatch_resolved_cb), self, 0);
}
