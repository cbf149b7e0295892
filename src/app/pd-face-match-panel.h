/* pd-face-match-panel.h: the photo taken now beside the chip's, the software's advice, the officer's decision. */
#pragma once

#include <gtk/gtk.h>

#include "pd-face-match.h"

G_BEGIN_DECLS

#define PD_TYPE_FACE_MATCH_PANEL (pd_face_match_panel_get_type ())
G_DECLARE_FINAL_TYPE (PdFaceMatchPanel, pd_face_match_panel, PD, FACE_MATCH_PANEL, GtkWidget)

/* Properties: "store" (PdStore, where decisions are audited), "actor" (the officer, for the
 * audit), "subject" (what is compared, e.g. the dossier's id, for the audit), "profile"
 * (PdPhotoProfile: the threshold and the landmark model's path), "busy" (read-only: a
 * comparison or an audit is running).
 * Signal "decided" (gboolean same_person): the officer decided and the audit row is written. */
GtkWidget *pd_face_match_panel_new        (void);

/* Shows both photos and compares them in the background (loading the models the first time);
 * a new pair replaces the previous one and its decision buttons. */
void       pd_face_match_panel_set_photos (PdFaceMatchPanel *self,
                                           GdkPixbuf        *captured,
                                           GdkPixbuf        *chip);

/* FALSE until a comparison has a verdict (none when a photo shows no face). */
gboolean   pd_face_match_panel_get_match  (PdFaceMatchPanel *self,
                                           PdFaceMatch      *match);
gboolean   pd_face_match_panel_get_busy   (PdFaceMatchPanel *self);

G_END_DECLS
