/* pd-paper-checklist.h: the papers to check for the application on the form, ticked by the
 * officer or by what was scanned or taken. */
#pragma once

#include <adwaita.h>

#include "pd-required-documents.h"

G_BEGIN_DECLS

#define PD_TYPE_PAPER_CHECKLIST (pd_paper_checklist_get_type ())
G_DECLARE_FINAL_TYPE (PdPaperChecklist, pd_paper_checklist, PD, PAPER_CHECKLIST, AdwPreferencesGroup)

/* "toggled" is emitted when the officer ticks or unticks a paper. */
PdPaperChecklist *pd_paper_checklist_new             (void);
/* A new application: forgets the officer's ticks and what was seen. */
void              pd_paper_checklist_reset           (PdPaperChecklist *self);
void              pd_paper_checklist_note_id_card    (PdPaperChecklist *self);
void              pd_paper_checklist_note_declaration (PdPaperChecklist *self);
/* Lists the papers of @dossier's request and age again: @attachment_kinds (element-type utf8,
 * copied) are the scans listed, @photo_seen whether a stored photo shows. */
void              pd_paper_checklist_refresh         (PdPaperChecklist *self,
                                                      PdDossier        *dossier,
                                                      GPtrArray        *attachment_kinds,
                                                      gboolean          photo_seen);
/* What the list shows of the papers, valid until the next refresh or reset. */
void              pd_paper_checklist_get_evidence    (PdPaperChecklist *self,
                                                      PdPaperEvidence  *evidence);
/* The number of papers listed; @n_ticked (nullable) those ticked. */
guint             pd_paper_checklist_count           (PdPaperChecklist *self,
                                                      guint            *n_ticked);
/* (element-type utf8) (transfer full): the labels of the papers not ticked. */
GPtrArray        *pd_paper_checklist_get_missing     (PdPaperChecklist *self);
/* (element-type GtkCheckButton) (transfer container): the check boxes, in order. */
GPtrArray        *pd_paper_checklist_get_checks      (PdPaperChecklist *self);
/* (nullable): the row of the first paper not ticked, else the first row. */
GtkWidget        *pd_paper_checklist_get_first_unticked_row (PdPaperChecklist *self);

G_END_DECLS
