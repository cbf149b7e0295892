/* pd-face.h: face detection, the 68 facial landmarks and face descriptors, behind a C API.
 *
 * The only implementation is dlib's HOG frontal face detector and its 68-point shape predictor
 * (pd-face-dlib.cpp), with dlib's CNN (MMOD) face detector for the pictures where HOG finds
 * nothing, and dlib's ResNet face recognition network for descriptors; nothing else in
 * Passdesk sees C++. Point indices are those of the
 * iBUG 300-W scheme the predictor was trained on: 0–16 jaw (0 on the image's left), 17–26
 * brows, 27–35 nose (30 the tip), 36–41 and 42–47 the eyes (36–41 on the image's left),
 * 48–67 the mouth (60–67 the inner lips).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PD_FACE_N_POINTS 68

/* Debian's libdlib-data puts the model here. */
#define PD_FACE_DEFAULT_MODEL_PATH "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
/* Passdesk ships the CNN detector (data/models/), as libdlib-data does not. */
#define PD_FACE_DETECTOR_MODEL_FILE "mmod_human_face_detector.dat"
/* And dlib's face recognition network (data/models/). */
#define PD_FACE_RECOGNIZER_MODEL_FILE "dlib_face_recognition_resnet_model_v1.dat"

/* A face descriptor: dlib's network maps faces to points of 128 dimensions where two photos
 * of one person lie closer than 0.6 (Euclidean) on 99.38 % of the LFW benchmark's pairs. */
#define PD_FACE_DESCRIPTOR_SIZE 128

#define PD_FACE_ERROR (pd_face_error_quark ())
typedef enum {
  PD_FACE_ERROR_MODEL_MISSING,   /* the landmark model file does not exist */
  PD_FACE_ERROR_MODEL_INVALID,   /* it exists but is not a 68-point dlib shape predictor */
  PD_FACE_ERROR_FAILED,
  PD_FACE_ERROR_RECOGNIZER,      /* the face recognition model is missing or invalid */
  PD_FACE_ERROR_NO_FACE,         /* no face in a photo to describe */
  PD_FACE_ERROR_NO_FACE_FIRST,   /* pd_face_compare_*(): none in the first photo */
  PD_FACE_ERROR_NO_FACE_SECOND,  /* … in the second */
} PdFaceError;
GQuark pd_face_error_quark (void);

typedef struct {
  double x;
  double y;
} PdFacePoint;

typedef struct {
  /* The detection box and the detector's confidence, in the coordinates of the full image. */
  double      left;
  double      top;
  double      right;
  double      bottom;
  double      score;
  PdFacePoint points[PD_FACE_N_POINTS];
} PdFace;

/* An 8-bit grey image; rows are @stride bytes apart. */
typedef struct {
  const guint8 *data;
  int           width;
  int           height;
  int           stride;
} PdGrayImage;

/* An 8-bit RGB image, 3 bytes a pixel; rows are @stride bytes apart. */
typedef struct {
  const guint8 *data;
  int           width;
  int           height;
  int           stride;
} PdRgbImage;

typedef struct _PdFaceModel PdFaceModel;

typedef struct {
  float values[PD_FACE_DESCRIPTOR_SIZE];
} PdFaceDescriptor;

/* The model path: PASSDESK_FACE_MODEL when set, else @configured when not NULL or empty
 * (a profile or a setting), else PD_FACE_DEFAULT_MODEL_PATH. */
char        *pd_face_model_resolve_path (const char           *configured);

/* The CNN detector's path: PASSDESK_FACE_DETECTOR_MODEL when set, else
 * models/PD_FACE_DETECTOR_MODEL_FILE in the first data directory that has it
 * (PASSDESK_DATA_DIR, the installed one, the source tree's). */
char        *pd_face_detector_resolve_path (void);

/* The face recognition model's path: PASSDESK_FACE_RECOGNIZER_MODEL when set, else
 * models/PD_FACE_RECOGNIZER_MODEL_FILE in the first data directory that has it (as
 * pd_face_detector_resolve_path()). */
char        *pd_face_recognizer_resolve_path (void);

/* Loads the detector and the landmark model (about 100 MB, a second or so): call it off the
 * UI thread, or use pd_face_model_load_async(). The model is immutable once loaded and
 * pd_face_model_detect() may be called from several threads at once. */
PdFaceModel *pd_face_model_load         (const char           *path,
                                         GError              **error);
void         pd_face_model_load_async   (const char           *path,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
PdFaceModel *pd_face_model_load_finish  (GAsyncResult         *result,
                                         GError              **error);
void         pd_face_model_free         (PdFaceModel          *model);
const char  *pd_face_model_get_path     (PdFaceModel          *model);

/* Finds the faces scoring at least @min_score (0 is dlib's own threshold) in @detect, a
 * possibly downscaled copy of @full, @detect_scale times its size, and places the landmarks of
 * each on @full, where they are most precise. Returns a GArray of PdFace in @full's
 * coordinates, strongest detection first; never NULL. */
GArray      *pd_face_model_detect       (PdFaceModel          *model,
                                         const PdGrayImage    *detect,
                                         double                detect_scale,
                                         const PdGrayImage    *full,
                                         double                min_score);

/* Loads the CNN detector into @model the first time it is called (about 0.7 MB; thread-safe,
 * later calls return at once). FALSE when it cannot be loaded (warned once): then
 * pd_face_model_detect_cnn() finds nothing. */
gboolean     pd_face_model_load_cnn     (PdFaceModel          *model);

/* As pd_face_model_detect() with dlib's CNN face detector on @detect, an RGB copy of @full
 * @detect_scale times its size: it finds faces HOG misses (rolled, turned, dark), those of at
 * least about 80 px in @detect, but costs some 10 µs a pixel of @detect on Debian's reference
 * BLAS, so the caller shrinks @detect to its time budget. Loads the detector on first use
 * (pd_face_model_load_cnn()); one call runs at a time. @min_score: 0 is dlib's threshold. */
GArray      *pd_face_model_detect_cnn   (PdFaceModel          *model,
                                         const PdRgbImage     *detect,
                                         double                detect_scale,
                                         const PdGrayImage    *full,
                                         double                min_score);

/* Loads the face recognition network into @model the first time it is called (about 22 MB,
 * some 0.3 s; thread-safe, later calls return at once). A failure is reported, and the next
 * call tries again. */
gboolean     pd_face_model_load_recognizer (PdFaceModel       *model,
                                         GError              **error);

/* The descriptor of @face (found in @image, whose size it is in), aligned by its landmarks
 * on a 150 px chip. Loads the network on first use; one call runs at a time. */
gboolean     pd_face_model_describe     (PdFaceModel          *model,
                                         const PdRgbImage     *image,
                                         const PdFace         *face,
                                         PdFaceDescriptor     *descriptor,
                                         GError              **error);

/* TRUE when @a and @b are nearer than @threshold, the same person by dlib's measure; the
 * Euclidean distance goes to @distance when not NULL. */
gboolean     pd_face_compare            (const PdFaceDescriptor *a,
                                         const PdFaceDescriptor *b,
                                         double                 threshold,
                                         double                *distance);

/* The head's rotation, in degrees, from a generic 3-D face fitted to the landmarks.
 * Positive yaw: the nose turned towards the image's right (the person turned to their left);
 * positive pitch: the head bowed; positive roll: the image's right eye lower. */
typedef struct {
  double yaw;
  double pitch;
  double roll;
  double error;   /* root-mean-square reprojection error, in eye distances */
} PdFacePose;

/* Fits a generic 3-D face (average adult proportions) to @face's landmarks, seen through a
 * pinhole camera whose focal length is guessed from the picture's size (@width × @height):
 * no model is needed, only dlib's optimiser. FALSE when the fit does not converge. */
gboolean     pd_face_estimate_pose      (const PdFace         *face,
                                         int                   width,
                                         int                   height,
                                         PdFacePose           *pose);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdFaceModel, pd_face_model_free)

G_END_DECLS
