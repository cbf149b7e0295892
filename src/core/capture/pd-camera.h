/* pd-camera.h: a camera (or a picture or video file standing in for one) that delivers frames
 * to show and reads the barcodes it sees.
 *
 * Frames arrive on the main context the camera was made in, at most max-fps a second; when the
 * receiver is slower the older frames are dropped, never queued. Barcodes are read in a worker
 * thread, always on the newest frame, so a slow decode costs reads, never frames or latency.
 *
 * Signals (all on the camera's main context):
 *   "frame"         (guint width, guint height, guint stride, GBytes *rgb): packed RGB, 3 bytes a
 *                   pixel, rows @stride bytes apart; the bytes stay valid while referenced.
 *   "code-detected" (const char *text, guint format): a PdBarcodeFormat. A code held in view is
 *                   reported once, and again when it comes back after PD_CAMERA_CODE_REPEAT_MS.
 *   "error"         (GError *error): in PD_CAMERA_ERROR, translated; the camera has stopped.
 */
#pragma once

#include <gio/gio.h>

#include "pd-barcode.h"

G_BEGIN_DECLS

#define PD_CAMERA_CODE_REPEAT_MS 2000

#define PD_CAMERA_ERROR (pd_camera_error_quark ())
typedef enum {
  PD_CAMERA_ERROR_NOT_FOUND,   /* no camera, no such device or file */
  PD_CAMERA_ERROR_BUSY,        /* another program has the camera */
  PD_CAMERA_ERROR_PERMISSION,  /* the user may not open the device */
  PD_CAMERA_ERROR_FORMAT,      /* a file that is no picture or video, images that cannot be read */
  PD_CAMERA_ERROR_MISSING,     /* a GStreamer plugin is not installed */
  PD_CAMERA_ERROR_FAILED,
} PdCameraError;
GQuark pd_camera_error_quark (void);

typedef struct {
  char *name;          /* for people: "Integrated Camera" */
  char *device_path;   /* for pd_camera_new_for_device(): "/dev/video0" */
} PdCameraDevice;

#define PD_TYPE_CAMERA_DEVICE (pd_camera_device_get_type ())
GType           pd_camera_device_get_type (void) G_GNUC_CONST;
PdCameraDevice *pd_camera_device_copy     (const PdCameraDevice *device);
void            pd_camera_device_free     (PdCameraDevice       *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCameraDevice, pd_camera_device_free)

/* (element-type PdCameraDevice): the video cameras plugged in now, maybe none. Probes the
 * devices: call it from a worker thread or at a moment where a short wait is fine. */
GPtrArray      *pd_camera_list_devices    (void);

/* GStreamer's start-up reads its plugin registry, and scans every plugin when that registry is
 * missing or stale: a tenth of a second or more. Done in a worker thread, it keeps the first
 * pd_camera_start() on the UI thread quick. Failures are reported again by pd_camera_start(). */
void            pd_camera_prepare_async   (GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean        pd_camera_prepare_finish  (GAsyncResult         *result,
                                           GError              **error);
/* Whether GStreamer's start-up has run (whatever its outcome). */
gboolean        pd_camera_get_prepared    (void);

#define PD_TYPE_CAMERA (pd_camera_get_type ())
G_DECLARE_FINAL_TYPE (PdCamera, pd_camera, PD, CAMERA, GObject)

/* @device_path: a V4L2 device such as "/dev/video0"; NULL for the first camera found. */
PdCamera        *pd_camera_new_for_device     (const char       *device_path);
/* A picture (a DSLR still, a scanned page: shown still) or a video file. */
PdCamera        *pd_camera_new_for_file       (GFile            *file);
/* GStreamer's test pattern at 1280x720, as a live camera. */
PdCamera        *pd_camera_new_test_pattern   (void);

/* Fails at once when the device or file cannot be opened; later failures (a camera unplugged,
 * a file that is no picture) are emitted as "error", after which the camera is stopped. */
gboolean         pd_camera_start              (PdCamera         *self,
                                               GError          **error);
/* Stops the pipeline and the decoding thread; no signal is emitted after it returns. */
void             pd_camera_stop               (PdCamera         *self);
gboolean         pd_camera_get_running        (PdCamera         *self);
/* For people: the camera's name or the file's. */
const char      *pd_camera_get_description    (PdCamera         *self);

/* The formats read; PD_BARCODE_FORMAT_NONE reads none. Takes effect at the next start. */
PdBarcodeFormat  pd_camera_get_barcode_formats (PdCamera        *self);
void             pd_camera_set_barcode_formats (PdCamera        *self,
                                                PdBarcodeFormat  formats);
guint            pd_camera_get_max_fps        (PdCamera         *self);
void             pd_camera_set_max_fps        (PdCamera         *self,
                                               guint             max_fps);

G_END_DECLS
