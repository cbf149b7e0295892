/* pd-photo-row.h: the applicant's photo on the form, with the button that takes it. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PD_TYPE_PHOTO_ROW (pd_photo_row_get_type ())
G_DECLARE_FINAL_TYPE (PdPhotoRow, pd_photo_row, PD, PHOTO_ROW, AdwActionRow)

PdPhotoRow *pd_photo_row_new           (void);
/* Shows @jpeg (nullable: none yet); @overridden: taken with failed checks overridden. */
void        pd_photo_row_show          (PdPhotoRow *self,
                                        GBytes     *jpeg,
                                        gboolean    overridden);
/* A photo shows. */
gboolean    pd_photo_row_get_shown     (PdPhotoRow *self);
GtkPicture *pd_photo_row_get_thumbnail (PdPhotoRow *self);

G_END_DECLS
