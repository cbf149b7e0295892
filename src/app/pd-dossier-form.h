/* pd-dossier-form.h: the declaration form (TK01/TK01a) and intake data of one application. */
#pragma once

#include <gtk/gtk.h>

#include "pd-mismatch-panel.h"
#include "pd-store.h"
#include "sync/pd-officer.h"

G_BEGIN_DECLS

#define PD_TYPE_DOSSIER_FORM (pd_dossier_form_get_type ())
G_DECLARE_FINAL_TYPE (PdDossierForm, pd_dossier_form, PD, DOSSIER_FORM, GtkWidget)

/* @settings: the device settings that prefill the intake fields (office, counter). */
void       pd_dossier_form_set_store   (PdDossierForm *self,
                                        PdStore       *store,
                                        GSettings     *settings);
/* Starts a new, empty application; the draft is discarded. */
void       pd_dossier_form_clear       (PdDossierForm *self);
/* What the form holds is kept in the store's draft (sealed) about a second after each change;
 * this writes it now, as the window closes. A draft from before is offered above the form
 * (Restore / Discard: "form.restore-draft", "form.discard-draft") once the store is set, and
 * nothing is written over it until the officer answers. */
void       pd_dossier_form_save_draft  (PdDossierForm *self);
gboolean   pd_dossier_form_get_draft_offered (PdDossierForm *self);
/* An assisted-entry station's slip went to the printer: asks above the form whether it came
 * out ("win.print-declaration" prints it again, "win.slip-done" clears the form). The form and
 * its draft stay until then: a paper jam must not mean typing it all again. */
void       pd_dossier_form_ask_slip_printed (PdDossierForm *self,
                                             gboolean       ask);
gboolean   pd_dossier_form_get_asking_slip_printed (PdDossierForm *self);
/* Brings back what Clear Form ("form.clear") took; what was typed since is put aside for the
 * next Undo. FALSE when there is nothing to bring back. */
gboolean   pd_dossier_form_undo_clear  (PdDossierForm *self);
void       pd_dossier_form_focus_first (PdDossierForm *self);
PdDossier *pd_dossier_form_get_dossier (PdDossierForm *self);
gboolean   pd_dossier_form_get_busy    (PdDossierForm *self);
/* The row that edits @field (an AdwEntryRow or AdwComboRow), and the label under it that
 * shows its error. */
GtkWidget *pd_dossier_form_get_row     (PdDossierForm *self,
                                        PdField        field);
GtkLabel  *pd_dossier_form_get_error_label (PdDossierForm *self,
                                            PdField        field);
/* The label under @field's row that shows its warning (pd_validate_warnings()), in its own
 * row, shown only when there is one. */
GtkLabel  *pd_dossier_form_get_warning_label (PdDossierForm *self,
                                              PdField        field);

/* Edits @dossier (a declaration from the store or a declaration QR code): the form works on a
 * copy, which keeps its id, so that saving updates a stored declaration. The desk's intake
 * fields (office, counter, officer) are filled where the declaration leaves them empty. */
void       pd_dossier_form_load        (PdDossierForm *self,
                                        PdDossier     *dossier);
/* Nothing of the applicant typed or loaded yet: only the desk's defaults. */
gboolean   pd_dossier_form_is_blank    (PdDossierForm *self);
/* Sets one field as if typed, and shows it. */
void       pd_dossier_form_set_value   (PdDossierForm *self,
                                        PdField        field,
                                        const char    *value);
/* Shows @mismatches (element-type PdCccdMismatch) above the form and marks their rows; each
 * stays until the officer keeps the declared value or takes the document's. Saving waits
 * until all are resolved. See pd_mismatch_panel_set_mismatches() for @document, @use_label. */
void       pd_dossier_form_show_mismatches (PdDossierForm *self,
                                            const char    *document,
                                            const char    *use_label,
                                            GPtrArray     *mismatches);
PdMismatchPanel *pd_dossier_form_get_mismatch_panel (PdDossierForm *self);

/* Sets the applicant's photo (the standard JPEG), stored sealed when the application is saved.
 * @override_detail, when not NULL, is written to the audit log as "photo-override" with the
 * application's uuid once it is saved: the failed checks and the officer's reason. */
void        pd_dossier_form_set_photo           (PdDossierForm *self,
                                                 GBytes        *jpeg,
                                                 const char    *override_detail);
GtkPicture *pd_dossier_form_get_photo_thumbnail (PdDossierForm *self);
/* Attaches a scanned document (@kind as pd_sane_document_get_kind()): stored sealed at once
 * for an application already saved, else when it is saved. */
void        pd_dossier_form_add_attachment      (PdDossierForm *self,
                                                 const char    *kind,
                                                 const char    *mime_type,
                                                 GBytes        *data);
/* The scanned documents listed: stored and waiting. */
guint       pd_dossier_form_get_n_documents     (PdDossierForm *self);

/* Who works at the form: @role decides whether the form may accept (volunteers cannot);
 * @actor (nullable: the system user) names them in the history and the audit log;
 * @acceptance_token (nullable) is the token of their last online sign-in here, which the
 * packets of their acceptances carry (pd_intake_accept_async()). */
void        pd_dossier_form_set_role            (PdDossierForm *self,
                                                 PdRole         role,
                                                 const char    *actor,
                                                 const char    *acceptance_token);
/* (nullable) The full name the papers of what is accepted here are signed with, kept with
 * the application (pd_intake_set_signer()). */
void        pd_dossier_form_set_signer          (PdDossierForm *self,
                                                 const char    *full_name);
PdRole      pd_dossier_form_get_role            (PdDossierForm *self);
/* The applicant's ID card was read (scanned or its chip/QR code): it ticks the ID card in the
 * required documents. */
void        pd_dossier_form_note_id_card        (PdDossierForm *self);
/* A declaration signed by a trusted station or the portal filled the form: it ticks the
 * declaration paper (TK01/TK01a) as an online declaration's code does. */
void        pd_dossier_form_note_declaration    (PdDossierForm *self);
/* (element-type utf8) (transfer full): the labels of the required documents not ticked. */
GPtrArray  *pd_dossier_form_get_missing_documents (PdDossierForm *self);
/* The check boxes of the required documents, in order (element-type GtkCheckButton). */
GPtrArray  *pd_dossier_form_get_required_checks (PdDossierForm *self);
/* Accepts the application (as the "form.accept" action, Ctrl+S): the role must allow it,
 * mismatches be resolved and every field valid; the fee follows the request, the appointment
 * date is counted in working days from today; the application is saved, then its status
 * becomes ACCEPTED, which seals its packet into the outbox. Emits "saved" when done. */
void        pd_dossier_form_accept              (PdDossierForm *self);
/* Saves what was typed as it is and sets @status (PD_STATUS_ON_HOLD or PD_STATUS_REFUSED) with
 * @reason, which a refusal requires. Emits "saved" when done. */
gboolean    pd_dossier_form_set_aside           (PdDossierForm *self,
                                                 PdStatus       status,
                                                 const char    *reason);

G_END_DECLS
