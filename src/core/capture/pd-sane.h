/* pd-sane.h: document scanners through SANE (libsane).
 *
 * Every SANE call runs in a worker thread, one at a time in the whole process (backends are
 * not thread-safe and a scanner scans one page at a time anyway). Results come back as
 * GTask results on the caller's thread-default main context.
 */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

#define PD_SANE_ERROR (pd_sane_error_quark ())
typedef enum {
  PD_SANE_ERROR_NOT_FOUND,      /* no such scanner (unplugged, switched off) */
  PD_SANE_ERROR_BUSY,
  PD_SANE_ERROR_JAMMED,
  PD_SANE_ERROR_NO_DOCUMENT,    /* the feeder is empty */
  PD_SANE_ERROR_COVER_OPEN,
  PD_SANE_ERROR_IO,
  PD_SANE_ERROR_PERMISSION,
  PD_SANE_ERROR_UNSUPPORTED,    /* a setting or an image format the scanner or Passdesk lacks */
  PD_SANE_ERROR_FAILED,
} PdSaneError;
GQuark pd_sane_error_quark (void);

typedef struct {
  char *name;     /* for pd_sane_scan_async(): "genesys:libusb:001:004" */
  char *vendor;
  char *model;
  char *type;     /* "flatbed scanner"... as the backend says */
} PdSaneDevice;

#define PD_TYPE_SANE_DEVICE (pd_sane_device_get_type ())
GType         pd_sane_device_get_type (void) G_GNUC_CONST;
PdSaneDevice *pd_sane_device_copy     (const PdSaneDevice *device);
void          pd_sane_device_free     (PdSaneDevice       *device);
/* "Vendor Model", for people. */
char         *pd_sane_device_get_label (const PdSaneDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSaneDevice, pd_sane_device_free)

typedef enum {
  PD_SANE_COLOR,
  PD_SANE_GRAY,
} PdSaneColorMode;

typedef enum {
  PD_SANE_SOURCE_FLATBED,
  PD_SANE_SOURCE_FEEDER,
} PdSaneSource;

typedef struct {
  int             resolution;  /* dots per inch; the nearest one the scanner has is used */
  PdSaneColorMode color_mode;
  PdSaneSource    source;
  /* The area from the top-left corner of the glass, in millimetres, cut to what the scanner
   * reaches; 0 for its whole width or height. */
  double          width_mm;
  double          height_mm;
} PdSaneScanOptions;

typedef enum {
  PD_SANE_DOCUMENT_ID_CARD_FRONT,
  PD_SANE_DOCUMENT_ID_CARD_BACK,
  PD_SANE_DOCUMENT_OLD_PASSPORT,   /* the data page */
  PD_SANE_DOCUMENT_OTHER_PAPER,    /* up to A4 */
  PD_SANE_N_DOCUMENTS
} PdSaneDocument;

/* The settings that suit @document: its size with a margin for placing it by hand, in colour,
 * at a resolution that keeps small print readable. */
void        pd_sane_document_get_options    (PdSaneDocument      document,
                                             PdSaneScanOptions  *options);
/* The attachment kind stored with the scan: "id-card-front", "passport"... */
const char *pd_sane_document_get_kind       (PdSaneDocument      document);
/* Translated, for people: "ID card, front". */
const char *pd_sane_document_get_label      (PdSaneDocument      document);

/* (element-type PdSaneDevice): the scanners found, maybe none. Network scanners are looked
 * for too, which can take a few seconds. */
void        pd_sane_list_devices_async      (GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
GPtrArray  *pd_sane_list_devices_finish     (GAsyncResult       *result,
                                             GError            **error);

/* @fraction: from 0 to 1, or -1 while the length of the page is unknown (hand scanners,
 * feeders). Called on the main context of pd_sane_scan_async(), at most every 1%. */
typedef void (*PdSaneProgressFunc) (double   fraction,
                                    gpointer user_data);

/* Scans one page. Cancelling stops the scanner and gives G_IO_ERROR_CANCELLED. */
void        pd_sane_scan_async              (const char               *device_name,
                                             const PdSaneScanOptions  *options,
                                             PdSaneProgressFunc        progress,
                                             gpointer                  progress_data,
                                             GDestroyNotify            progress_data_free,
                                             GCancellable             *cancellable,
                                             GAsyncReadyCallback       callback,
                                             gpointer                  user_data);
/* An 8-bit RGB picture; @resolution: the resolution the scanner used. */
GdkPixbuf  *pd_sane_scan_finish             (GAsyncResult             *result,
                                             int                      *resolution,
                                             GError                  **error);

/* The picture as a file's bytes: @content_type "image/png" (lossless, for text) or
 * "image/jpeg" (photos, 10 times smaller); the resolution is written into it. */
GBytes     *pd_sane_encode                  (GdkPixbuf                *pixbuf,
                                             const char               *content_type,
                                             int                       resolution,
                                             GError                  **error);

G_END_DECLS
