/* pd-field-row.h: the row that edits one field of the declaration form, and the row under it
 * that show its error and its warning. */
#pragma once

#include <adwaita.h>

#include "pd-dossier.h"
#include "pd-reference.h"

G_BEGIN_DECLS

#define PD_TYPE_FIELD_ROW (pd_field_row_get_type ())
G_DECLARE_FINAL_TYPE (PdFieldRow, pd_field_row, PD, FIELD_ROW, GObject)

/* An AdwEntryRow, or an AdwComboRow for a choice. "edited" (const char *value, nullable) is
 * emitted when the user types or chooses, with what the dossier holds from then on; "left"
 * when the focus leaves the row. */
PdFieldRow *pd_field_row_new              (PdField      field);
PdField     pd_field_row_get_field        (PdFieldRow  *self);
GtkWidget  *pd_field_row_get_widget       (PdFieldRow  *self);
/* (nullable): the drop-down of a list found by typing, inside the row. */
GtkDropDown *pd_field_row_get_drop_down  (PdFieldRow  *self);
GtkWidget  *pd_field_row_get_error_row    (PdFieldRow  *self);
GtkLabel   *pd_field_row_get_error_label  (PdFieldRow  *self);
/* @message NULL hides the error. */
void        pd_field_row_show_error       (PdFieldRow  *self,
                                           const char  *message);
gboolean    pd_field_row_get_has_error    (PdFieldRow  *self);
/* Something unusual that does not stop the application (pd_validate_warnings()), shown in the
 * row under the error's; @message NULL hides it. */
void        pd_field_row_show_warning     (PdFieldRow  *self,
                                           const char  *message);
GtkWidget  *pd_field_row_get_warning_row  (PdFieldRow  *self);
GtkLabel   *pd_field_row_get_warning_label (PdFieldRow *self);
gboolean    pd_field_row_get_has_warning  (PdFieldRow  *self);
/* (nullable): the date typed is not one. */
const char *pd_field_row_get_format_error (PdFieldRow  *self);
void        pd_field_row_clear_format_error (PdFieldRow *self);
/* The user has left the row once: its errors show as they come. Setting FALSE starts the row
 * afresh, for another dossier: neither left nor typed in. */
gboolean    pd_field_row_get_left         (PdFieldRow  *self);
void        pd_field_row_set_left         (PdFieldRow  *self,
                                           gboolean     left);
/* The user typed or chose something in the row since it was started afresh. */
gboolean    pd_field_row_get_touched      (PdFieldRow  *self);
/* Shows @value without emitting "edited". */
void        pd_field_row_show_value       (PdFieldRow  *self,
                                           const char  *value);
/* A choice row lists the choices of @dossier (the communes of its province) from @reference
 * and shows its value; FALSE when that value is not among them. */
gboolean    pd_field_row_fill_choices     (PdFieldRow  *self,
                                           PdDossier   *dossier,
                                           PdReference *reference);
/* The reference changed: the next fill lists the choices again. */
void        pd_field_row_forget_choices   (PdFieldRow  *self);
/* Whether @field is chosen from a list on the form rather than typed. */
gboolean    pd_field_is_choice            (PdField      field);

G_END_DECLS
