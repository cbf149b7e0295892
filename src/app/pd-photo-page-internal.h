/* pd-photo-page-internal.h: what the parts of the photo page (pd-photo-page*.c) share: the
 * instance struct and the functions one part calls in another. App only, not for the tests
 * (they use pd-photo-page-private.h).
 */
#pragma once

#include <adwaita.h>

#include "pd-camera-view.h"
#include "pd-head-guide.h"
#include "pd-photo-page-private.h"

G_BEGIN_DECLS

/* The checks of the photo standard the list shows, one row each (pd-photo-page-checks.c). */
#define PD_PHOTO_PAGE_N_CHECKS 15

typedef enum {
  MODEL_NONE,
  MODEL_LOADING,
  MODEL_READY,
  MODEL_FAILED,
} ModelState;

/* The model outlives the page while a worker still uses it. */
typedef struct
{
  PdFaceModel *model;
} ModelBox;

typedef enum {
  ROW_UNSET,
  ROW_NOT_CHECKED,
  ROW_PASSED,
  ROW_FAILED,
} RowState;

/* Rows lower than AdwActionRow's, so that all fit on a laptop's screen. A report comes five
 * times a second and mostly says what the last one said: a row is only touched when what it
 * shows changes (each change restyles it and tells the accessibility bus). */
typedef struct
{
  GtkWidget *row;
  GtkImage  *icon;
  GtkLabel  *message;
  RowState   state;
  char      *text;      /* the message of a failed check, the tooltip otherwise */
} CheckRow;

struct _PdPhotoPage
{
  GtkWidget         parent_instance;

  GtkStack         *source_stack;
  GtkSpinner       *finding_spinner;
  AdwStatusPage    *no_camera_page;
  PdCameraView     *camera_view;
  GtkPicture       *still_picture;
  GtkLabel         *countdown_label;
  GtkDropDown      *camera_dropdown;
  GtkCheckButton   *countdown_check;
  GtkWidget        *capture_button;
  GtkWidget        *override_button;
  GtkWidget        *back_button;
  GtkWidget        *result_column;
  GtkPicture       *result_picture;
  GtkLabel         *result_label;
  GtkLabel         *summary_label;
  GtkStack         *checks_stack;
  GtkSpinner       *loading_spinner;
  AdwStatusPage    *model_error_page;
  GtkListBox       *check_list;
  PdHeadGuide      *guide;
  CheckRow          rows[PD_PHOTO_PAGE_N_CHECKS];

  PdPhotoProfile   *profile;
  ModelBox         *model;
  ModelState        model_state;
  GCancellable     *cancellable;

  /* The camera: the caller's, or one of the devices found. */
  PdCamera         *camera;
  gboolean          camera_given;
  GPtrArray        *devices;        /* PdCameraDevice */
  gboolean          finding;
  gboolean          preparing_gstreamer;
  char             *camera_error;

  /* The newest frame, and whether it was analysed. */
  GdkPixbuf        *frame;
  gboolean          frame_analysed;
  gboolean          analysing;
  gint64            last_analysis;
  guint             analysis_timeout;

  /* What the check list shows: the live frame's report, or the imported picture's. */
  PdPhotoReport    *report;
  gboolean          still;
  GdkTexture       *still_texture;

  guint             countdown_source;
  guint             countdown;
  gboolean          capturing;

  /* The last capture or import. */
  PdPhotoReport    *result_report;
  GdkTexture       *result_texture;
  GBytes           *result_jpeg;

  /* Set by the override dialog: the failed checks may be ignored for the next photo. */
  char             *override_reason;
  AdwMessageDialog *override_dialog;
  GtkEditable      *override_entry;

  GtkFileChooserNative *chooser;
};

/* What a worker needs to check a picture: the live analysis's, the capture's and the import's. */
typedef struct
{
  ModelBox       *model;
  PdPhotoProfile *profile;
  GdkPixbuf      *image;
  PdPhotoMode     mode;
  GFile          *file;       /* import: the picture is read in the worker */
  int             still_width;  /* import: the size the picture is shown at, device pixels */
  int             still_height;
} AnalysisData;

/* pd-photo-page.c */
void                 _pd_photo_page_model_box_unref      (ModelBox        *box);
void                 _pd_photo_page_update_state         (PdPhotoPage     *self);
gboolean             _pd_photo_page_can_capture          (PdPhotoPage     *self);

/* pd-photo-page-checks.c */
gboolean             _pd_photo_page_report_compliant     (const PdPhotoReport *report);
char                *_pd_photo_page_failed_ids           (const PdPhotoReport *report);
const PdPhotoCheck  *_pd_photo_page_first_failed         (const PdPhotoReport *report);
const PdPhotoReport *_pd_photo_page_shown_report         (PdPhotoPage     *self);
const char          *_pd_photo_page_check_title          (const char      *id);
void                 _pd_photo_page_init_checks          (PdPhotoPage     *self);
void                 _pd_photo_page_update_rows          (PdPhotoPage     *self);
void                 _pd_photo_page_update_camera_status (PdPhotoPage     *self);
AnalysisData        *_pd_photo_page_analysis_data_new    (PdPhotoPage     *self,
                                                          GdkPixbuf       *image,
                                                          PdPhotoMode      mode);
void                 _pd_photo_page_analysis_data_free   (AnalysisData    *data);
void                 _pd_photo_page_maybe_analyse        (PdPhotoPage     *self);

/* pd-photo-page-camera.c */
void                 _pd_photo_page_init_cameras         (PdPhotoPage     *self);
void                 _pd_photo_page_use_camera           (PdPhotoPage     *self,
                                                          PdCamera        *camera);
void                 _pd_photo_page_prepare_gstreamer    (PdPhotoPage     *self);
void                 _pd_photo_page_start_camera         (PdPhotoPage     *self);
void                 _pd_photo_page_find_cameras         (PdPhotoPage     *self);
void                 _pd_photo_page_find_cameras_action  (GtkWidget       *widget,
                                                          const char      *action_name,
                                                          GVariant        *parameter);

/* pd-photo-page-capture.c */
void                 _pd_photo_page_update_result        (PdPhotoPage     *self);
void                 _pd_photo_page_capture_action       (GtkWidget       *widget,
                                                          const char      *action_name,
                                                          GVariant        *parameter);
void                 _pd_photo_page_import_action        (GtkWidget       *widget,
                                                          const char      *action_name,
                                                          GVariant        *parameter);

G_END_DECLS
