/* pd-dossier-form.h: the declaration form (TK01/TK01a) and intake data of one application. */
#pragma once

#include <gtk/gtk.h>

#include "pd-store.h"

G_BEGIN_DECLS

#define PD_TYPE_DOSSIER_FORM (pd_dossier_form_get_type ())
G_DECLARE_FINAL_TYPE (PdDossierForm, pd_dossier_form, PD, DOSSIER_FORM, GtkWidget)

/* @settings: the device settings that prefill the intake fields (office, counter). */
void       pd_dossier_form_set_store   (PdDossierForm *self,
                                        PdStore       *store,
                                        GSettings     *settings);
/* Starts a new, empty application. */
void       pd_dossier_form_clear       (PdDossierForm *self);
void       pd_dossier_form_focus_first (PdDossierForm *self);
PdDossier *pd_dossier_form_get_dossier (PdDossierForm *self);
gboolean   pd_dossier_form_get_busy    (PdDossierForm *self);
/* The row that edits @field (an AdwEntryRow or AdwComboRow), and the label under it that
 * shows its error. */
GtkWidget *pd_dossier_form_get_row     (PdDossierForm *self,
                                        PdField        field);
GtkLabel  *pd_dossier_form_get_error_label (PdDossierForm *self,
                                            PdField        field);

G_END_DECLS
