/* pd-form-columns.h: the form's groups in as many columns as the window's width holds (up to three). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PD_TYPE_FORM_COLUMNS (pd_form_columns_get_type ())
G_DECLARE_FINAL_TYPE (PdFormColumns, pd_form_columns, PD, FORM_COLUMNS, GtkWidget)

/* Appends @child (a group of rows); children keep their order, down the first column, then
 * down the next. */
void pd_form_columns_add           (PdFormColumns *self,
                                    GtkWidget     *child);
/* Appends @child, which heads the last column when there are two or more (the papers to
 * check, in sight while the fields are typed), and ends the single one otherwise. */
void pd_form_columns_add_side      (PdFormColumns *self,
                                    GtkWidget     *child);
/* How many columns the last allocation used: 1 to 3. */
guint pd_form_columns_get_n_columns (PdFormColumns *self);

G_END_DECLS
