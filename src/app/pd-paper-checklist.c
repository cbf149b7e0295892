/* pd-paper-checklist.c: the papers to check for the application on the form, and their ticks. */
#define G_LOG_DOMAIN "pd-paper-checklist"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-paper-checklist.h"

struct _PdPaperChecklist
{
  AdwPreferencesGroup  parent_instance;

  GPtrArray           *all;        /* PdRequiredDocument, data/reference/required-documents.csv */
  GPtrArray           *shown;      /* PdRequiredDocument, borrowed from all */
  GPtrArray           *rows;       /* GtkWidget */
  PdDossier           *dossier;
  PdPaperEvidence      evidence;   /* ticks and attachment_kinds owned */
  guint                updating;
};

G_DEFINE_FINAL_TYPE (PdPaperChecklist, pd_paper_checklist, ADW_TYPE_PREFERENCES_GROUP)

enum {
  TOGGLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toggled_cb (GtkCheckButton   *check,
            PdPaperChecklist *self)
{
  const char *code = g_object_get_data (G_OBJECT (check), "pd-code");

  if (self->updating > 0)
    return;
  for (guint i = 0; i < self->shown->len; i++)
    {
      const PdRequiredDocument *document = g_ptr_array_index (self->shown, i);

      if (g_str_equal (document->code, code) && pd_required_document_is_held (document))
        {
          self->updating++;
          gtk_check_button_set_active (check, pd_required_document_has_evidence (document, self->dossier,
                                                                                 &self->evidence));
          self->updating--;
          return;
        }
    }
  g_hash_table_insert (self->evidence.ticks, g_strdup (code),
                       GUINT_TO_POINTER (gtk_check_button_get_active (check) ? PD_PAPER_TICK_YES : PD_PAPER_TICK_NO));
  g_signal_emit (self, signals[TOGGLED], 0);
}

void
pd_paper_checklist_refresh (PdPaperChecklist *self,
                            PdDossier        *dossier,
                            GPtrArray        *attachment_kinds,
                            gboolean          photo_seen)
{
  GDate today;

  g_return_if_fail (PD_IS_PAPER_CHECKLIST (self));
  g_return_if_fail (PD_IS_DOSSIER (dossier));

  g_set_object (&self->dossier, dossier);
  g_ptr_array_set_size (self->evidence.attachment_kinds, 0);
  for (guint i = 0; attachment_kinds != NULL && i < attachment_kinds->len; i++)
    g_ptr_array_add (self->evidence.attachment_kinds, g_strdup (g_ptr_array_index (attachment_kinds, i)));
  self->evidence.photo_seen = photo_seen;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  pd_date_set_today (&today);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  self->shown = pd_required_documents_for_dossier (self->all, dossier, &today);

  self->updating++;
  for (guint i = 0; i < self->shown->len; i++)
    {
      const PdRequiredDocument *document = g_ptr_array_index (self->shown, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      gboolean held = pd_required_document_is_held (document);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), document->label);
      if (pd_required_document_has_evidence (document, dossier, &self->evidence))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Ticked from what was scanned or taken"));
      else if (held)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Take the photo (Ctrl+T): it ticks itself"));
      gtk_widget_set_sensitive (check, !held);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   pd_required_document_is_ticked (document, dossier, &self->evidence));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      document->label, -1);
      g_object_set_data_full (G_OBJECT (check), "pd-code", g_strdup (document->code), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
  self->updating--;

  if (self->shown->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     self->all == NULL
                                     ? _("The list of required documents cannot be read: reinstall Passdesk")
                                     : _("Choose the request to see the documents to check"));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
}

void
pd_paper_checklist_reset (PdPaperChecklist *self)
{
  g_return_if_fail (PD_IS_PAPER_CHECKLIST (self));

  g_hash_table_remove_all (self->evidence.ticks);
  self->evidence.id_card_seen = FALSE;
  self->evidence.declaration_seen = FALSE;
}

void
pd_paper_checklist_note_id_card (PdPaperChecklist *self)
{
  g_return_if_fail (PD_IS_PAPER_CHECKLIST (self));
  self->evidence.id_card_seen = TRUE;
}

void
pd_paper_checklist_note_declaration (PdPaperChecklist *self)
{
  g_return_if_fail (PD_IS_PAPER_CHECKLIST (self));
  self->evidence.declaration_seen = TRUE;
}

void
pd_paper_checklist_get_evidence (PdPaperChecklist *self,
                                 PdPaperEvidence  *evidence)
{
  g_return_if_fail (PD_IS_PAPER_CHECKLIST (self));
  *evidence = self->evidence;
}

guint
pd_paper_checklist_count (PdPaperChecklist *self,
                          guint            *n_ticked)
{
  guint n = 0;

  g_return_val_if_fail (PD_IS_PAPER_CHECKLIST (self), 0);

  for (guint i = 0; self->shown != NULL && i < self->shown->len; i++)
    if (pd_required_document_is_ticked (g_ptr_array_index (self->shown, i), self->dossier, &self->evidence))
      n++;
  if (n_ticked != NULL)
    *n_ticked = n;
  return self->shown != NULL ? self->shown->len : 0;
}

GPtrArray *
pd_paper_checklist_get_missing (PdPaperChecklist *self)
{
  g_return_val_if_fail (PD_IS_PAPER_CHECKLIST (self), NULL);

  if (self->dossier == NULL)
    return g_ptr_array_new_with_free_func (g_free);
  return pd_required_documents_missing (self->shown, self->dossier, &self->evidence);
}

GPtrArray *
pd_paper_checklist_get_checks (PdPaperChecklist *self)
{
  GPtrArray *checks = g_ptr_array_new ();

  g_return_val_if_fail (PD_IS_PAPER_CHECKLIST (self), checks);

  for (guint i = 0; self->shown != NULL && i < self->shown->len; i++)
    g_ptr_array_add (checks, adw_action_row_get_activatable_widget (g_ptr_array_index (self->rows, i)));
  return checks;
}

GtkWidget *
pd_paper_checklist_get_first_unticked_row (PdPaperChecklist *self)
{
  g_return_val_if_fail (PD_IS_PAPER_CHECKLIST (self), NULL);

  for (guint i = 0; self->shown != NULL && i < self->shown->len; i++)
    if (!pd_required_document_is_ticked (g_ptr_array_index (self->shown, i), self->dossier, &self->evidence))
      return g_ptr_array_index (self->rows, i);
  return self->rows->len > 0 ? g_ptr_array_index (self->rows, 0) : NULL;
}

static void
pd_paper_checklist_finalize (GObject *object)
{
  PdPaperChecklist *self = PD_PAPER_CHECKLIST (object);

  g_clear_pointer (&self->all, g_ptr_array_unref);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->evidence.ticks, g_hash_table_unref);
  g_clear_pointer (&self->evidence.attachment_kinds, g_ptr_array_unref);
  g_clear_object (&self->dossier);

  G_OBJECT_CLASS (pd_paper_checklist_parent_class)->finalize (object);
}

static void
pd_paper_checklist_class_init (PdPaperChecklistClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_paper_checklist_finalize;

  signals[TOGGLED] = g_signal_new ("toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pd_paper_checklist_init (PdPaperChecklist *self)
{
  g_autoptr(GError) error = NULL;

  self->rows = g_ptr_array_new ();
  self->evidence.ticks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->evidence.attachment_kinds = g_ptr_array_new_with_free_func (g_free);
  self->all = pd_required_documents_load_default (&error);
  if (self->all == NULL)
    g_warning ("Cannot read the required documents: %s", error->message);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Required Documents"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("Tick each paper the applicant handed in or showed; "
                                           "scanned papers, the ID card read and the photo tick themselves"));
}

PdPaperChecklist *
pd_paper_checklist_new (void)
{
  return g_object_new (PD_TYPE_PAPER_CHECKLIST, NULL);
}
