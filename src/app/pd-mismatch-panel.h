/* pd-mismatch-panel.h: the fields where a scanned ID card or passport differs from the
 * declaration, side by side, each to be resolved by the officer: use the document's value, or
 * keep the declared one. Nothing is changed until the officer chooses. */
#pragma once

#include <gtk/gtk.h>

#include "pd-field.h"

G_BEGIN_DECLS

#define PD_TYPE_MISMATCH_PANEL (pd_mismatch_panel_get_type ())
G_DECLARE_FINAL_TYPE (PdMismatchPanel, pd_mismatch_panel, PD, MISMATCH_PANEL, GtkWidget)

GtkWidget *pd_mismatch_panel_new             (void);
/* @mismatches (element-type PdCccdMismatch) replace what is shown; @document names where
 * the other values come from, as a caption ("ID card"), @use_label is the mnemonic label of the button
 * that takes them. An empty array hides the panel. */
void       pd_mismatch_panel_set_mismatches  (PdMismatchPanel *self,
                                              const char      *document,
                                              const char      *use_label,
                                              GPtrArray       *mismatches);
void       pd_mismatch_panel_clear           (PdMismatchPanel *self);
guint      pd_mismatch_panel_get_n_unresolved (PdMismatchPanel *self);
/* The value shown for @field on the declaration's side and the document's, or NULL. */
const char *pd_mismatch_panel_get_value      (PdMismatchPanel *self,
                                              PdField          field,
                                              gboolean         document);
/* The button that keeps the declared value (@use_document FALSE) or takes the document's. */
GtkWidget *pd_mismatch_panel_get_button      (PdMismatchPanel *self,
                                              PdField          field,
                                              gboolean         use_document);

G_END_DECLS
