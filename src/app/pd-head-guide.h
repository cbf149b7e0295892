/* pd-head-guide.h: the outline of the standard photo drawn over the live picture: the 4 × 6
 * frame, the head's oval between chin and crown and the eye line, at the proportions of the
 * photo profile, so that the applicant can be placed before anything is measured.
 *
 * Without a face the outline stands in the middle of the picture, as a place to aim for; once
 * a face is found it follows the face, showing the part of the picture the crop will keep.
 * The guide is laid over a picture shown with "contain" fit: it needs the size of the frames
 * to know where the picture lies in the widget. */
#pragma once

#include <gtk/gtk.h>

#include "pd-face.h"
#include "pd-photo-profile.h"

G_BEGIN_DECLS

#define PD_TYPE_HEAD_GUIDE (pd_head_guide_get_type ())
G_DECLARE_FINAL_TYPE (PdHeadGuide, pd_head_guide, PD, HEAD_GUIDE, GtkWidget)

GtkWidget      *pd_head_guide_new            (void);
PdPhotoProfile *pd_head_guide_get_profile    (PdHeadGuide    *self);
void            pd_head_guide_set_profile    (PdHeadGuide    *self,
                                              PdPhotoProfile *profile);
/* The size of the picture under the guide; 0 × 0 draws nothing. */
void            pd_head_guide_set_frame_size (PdHeadGuide    *self,
                                              int             width,
                                              int             height);
/* The face found in the frame (landmarks in frame pixels), or NULL. */
void            pd_head_guide_set_face       (PdHeadGuide    *self,
                                              const PdFace   *face);
/* Drawn in the success colour when the picture passes every check. */
gboolean        pd_head_guide_get_passed     (PdHeadGuide    *self);
void            pd_head_guide_set_passed     (PdHeadGuide    *self,
                                              gboolean        passed);

G_END_DECLS
