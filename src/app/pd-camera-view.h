/* pd-camera-view.h: the live picture of a PdCamera, with room for guides drawn over it and a
 * status line (what was read, what went wrong).
 *
 * The view only shows: starting and stopping the camera is the caller's. Frames are scaled to
 * the size they are shown at in a worker thread, and the decoding happens in the camera's own
 * thread, so the interface stays responsive while codes are looked for.
 */
#pragma once

#include <gtk/gtk.h>

#include "capture/pd-camera.h"

G_BEGIN_DECLS

#define PD_TYPE_CAMERA_VIEW (pd_camera_view_get_type ())
G_DECLARE_FINAL_TYPE (PdCameraView, pd_camera_view, PD, CAMERA_VIEW, GtkWidget)

GtkWidget  *pd_camera_view_new            (void);
PdCamera   *pd_camera_view_get_camera     (PdCameraView *self);
void        pd_camera_view_set_camera     (PdCameraView *self,
                                           PdCamera     *camera);
/* A widget drawn over the picture, the size of the view (a head outline for photos, a card
 * frame for codes); NULL removes it. */
GtkWidget  *pd_camera_view_get_guide      (PdCameraView *self);
void        pd_camera_view_set_guide      (PdCameraView *self,
                                           GtkWidget    *guide);
const char *pd_camera_view_get_status     (PdCameraView *self);
void        pd_camera_view_set_status     (PdCameraView *self,
                                           const char   *status);
/* (nullable): the newest frame at its full size, for taking a still. */
GdkTexture *pd_camera_view_get_frame      (PdCameraView *self);
/* The number of frames shown since the camera was set. */
guint       pd_camera_view_get_frame_count (PdCameraView *self);

G_END_DECLS
