/* pd-face-dlib.cpp: pd-face.h over dlib. The only C++ in Passdesk: keep it thin. */
#define G_LOG_DOMAIN "pd-face"

#include "config.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <mutex>
#include <vector>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/optimization.h>

#include <glib/gi18n-lib.h>

#include "pd-face.h"

/* A view of PdGrayImage through dlib's generic image interface, so no pixel is copied. */
struct PdGrayView
{
  const guint8 *data;
  long          width;
  long          height;
  long          stride;
};

namespace dlib
{
template <> struct image_traits<PdGrayView>
{
  typedef unsigned char pixel_type;
};
}

static inline long num_rows (const PdGrayView &view) { return view.height; }
static inline long num_columns (const PdGrayView &view) { return view.width; }
static inline long width_step (const PdGrayView &view) { return view.stride; }
static inline const void *image_data (const PdGrayView &view) { return view.data; }
static inline void *image_data (PdGrayView &view) { return const_cast<guint8 *> (view.data); }

struct _PdFaceModel
{
  char                         *path;
  dlib::frontal_face_detector   detector;
  dlib::shape_predictor         predictor;
  /* The detector keeps scratch buffers, so callers take turns; the predictor is const. */
  std::mutex                    detector_lock;
};

extern "C" {

G_DEFINE_QUARK (pd-face-error-quark, pd_face_error)

PdFaceModel *
pd_face_model_load (const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PD_FACE_ERROR, PD_FACE_ERROR_MODEL_MISSING,
                   _("The face landmark model “%s” is missing. Install the package libdlib-data, "
                     "or give the path of shape_predictor_68_face_landmarks.dat in "
                     "PASSDESK_FACE_MODEL."), path);
      return NULL;
    }

  PdFaceModel *model = new (std::nothrow) PdFaceModel ();
  if (model == NULL)
    {
      g_set_error_literal (error, PD_FACE_ERROR, PD_FACE_ERROR_FAILED,
                           _("Not enough memory to load the face model. Close other programs and try again."));
      return NULL;
    }

  try
    {
      std::ifstream in (path, std::ios::binary);
      model->detector = dlib::get_frontal_face_detector ();
      dlib::deserialize (model->predictor, in);
      if (model->predictor.num_parts () != PD_FACE_N_POINTS)
        throw dlib::serialization_error ("not a 68-point model");
    }
  catch (const std::exception &e)
    {
      g_debug ("Cannot load %s: %s", path, e.what ());
      g_set_error (error, PD_FACE_ERROR, PD_FACE_ERROR_MODEL_INVALID,
                   _("The file “%s” is not a 68-point dlib face landmark model. Reinstall the "
                     "package libdlib-data, or point PASSDESK_FACE_MODEL at "
                     "shape_predictor_68_face_landmarks.dat."), path);
      delete model;
      return NULL;
    }

  model->path = g_strdup (path);
  return model;
}

void
pd_face_model_free (PdFaceModel *model)
{
  if (model == NULL)
    return;
  g_free (model->path);
  delete model;
}

const char *
pd_face_model_get_path (PdFaceModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->path;
}

GArray *
pd_face_model_detect (PdFaceModel       *model,
                      const PdGrayImage *detect,
                      double             detect_scale,
                      const PdGrayImage *full,
                      double             min_score)
{
  GArray *faces = g_array_new (FALSE, TRUE, sizeof (PdFace));

  g_return_val_if_fail (model != NULL, faces);
  g_return_val_if_fail (detect != NULL && full != NULL && detect_scale > 0, faces);

  PdGrayView detect_view = { detect->data, detect->width, detect->height, detect->stride };
  PdGrayView full_view = { full->data, full->width, full->height, full->stride };
  std::vector<dlib::rect_detection> found;

  try
    {
      std::lock_guard<std::mutex> guard (model->detector_lock);
      model->detector (detect_view, found, min_score);
    }
  catch (const std::exception &e)
    {
      g_warning ("Face detection failed: %s", e.what ());
      return faces;
    }

  std::sort (found.begin (), found.end (),
             [] (const dlib::rect_detection &a, const dlib::rect_detection &b)
             { return a.detection_confidence > b.detection_confidence; });

  for (const dlib::rect_detection &d : found)
    {
      PdFace face = {};
      const dlib::rectangle &r = d.rect;
      dlib::rectangle on_full (std::lround (r.left () / detect_scale),
                               std::lround (r.top () / detect_scale),
                               std::lround ((r.right () + 1) / detect_scale) - 1,
                               std::lround ((r.bottom () + 1) / detect_scale) - 1);
      dlib::full_object_detection shape = model->predictor (full_view, on_full);

      face.left = on_full.left ();
      face.top = on_full.top ();
      face.right = on_full.right () + 1;
      face.bottom = on_full.bottom () + 1;
      face.score = d.detection_confidence;
      for (unsigned long i = 0; i < shape.num_parts () && i < PD_FACE_N_POINTS; i++)
        {
          face.points[i].x = shape.part (i).x ();
          face.points[i].y = shape.part (i).y ();
        }
      g_array_append_val (faces, face);
    }

  return faces;
}

}

/* ---- head pose ---- */

/* A generic adult face in millimetres, the nose tip at the origin, x towards the image's right,
 * y down, z away from the camera: average anthropometric proportions (biocular width 90 mm,
 * nose tip about 40 mm in front of the outer eye corners). Only points that stay put on a face
 * that talks or smiles a little and that the predictor places well: not the jaw contour, which
 * slides along the cheek as the head turns, nor the brows. */
static const struct
{
  int    index;
  double x, y, z;
} generic_face[] = {
  { 27,   0, -34, 24 },   /* nasion */
  { 30,   0,   0,  0 },   /* nose tip */
  { 31, -15,  11, 17 },   /* nostril wings */
  { 35,  15,  11, 17 },
  { 33,   0,  14, 11 },   /* subnasale */
  { 36, -45, -30, 42 },   /* outer eye corners */
  { 45,  45, -30, 42 },
  { 39, -19, -28, 36 },   /* inner eye corners */
  { 42,  19, -28, 36 },
  { 48, -28,  37, 34 },   /* mouth corners */
  { 54,  28,  37, 34 },
  { 51,   0,  29, 14 },   /* upper lip */
  { 57,   0,  49, 14 },   /* lower lip */
  {  8,   0,  85, 36 },   /* chin */
};

/* One coordinate of one landmark, in units of the focal length from the principal point. */
struct PoseSample
{
  double x, y, z;    /* the generic point */
  double observed;
  int    axis;       /* 0: x, 1: y */
  double weight;     /* focal length over the eye distance: residuals in eye distances */
};

typedef dlib::matrix<double, 6, 1> PoseParams;

/* Parameters: pitch, yaw, roll (radians, rotations about x, then y, then z), then the nose
 * tip's direction (x / z, y / z) and its distance as a factor of the first guess, so that all
 * six are of the order of one for the optimiser. */
static void
project (const PoseSample &s,
         const PoseParams &p,
         double            z0,
         double           *u,
         double           *v)
{
  double cp = std::cos (p(0)), sp = std::sin (p(0));
  double cy = std::cos (p(1)), sy = std::sin (p(1));
  double cr = std::cos (p(2)), sr = std::sin (p(2));
  /* Rx */
  double x1 = s.x, y1 = s.y * cp - s.z * sp, z1 = s.y * sp + s.z * cp;
  /* Ry */
  double x2 = x1 * cy + z1 * sy, y2 = y1, z2 = -x1 * sy + z1 * cy;
  /* Rz */
  double x3 = x2 * cr - y2 * sr, y3 = x2 * sr + y2 * cr, z3 = z2;
  double tz = p(5) * z0;

  *u = (x3 + p(3) * tz) / (z3 + tz);
  *v = (y3 + p(4) * tz) / (z3 + tz);
}

extern "C" gboolean
pd_face_estimate_pose (const PdFace *face,
                       int           width,
                       int           height,
                       PdFacePose   *pose)
{
  g_return_val_if_fail (face != NULL && pose != NULL && width > 0 && height > 0, FALSE);

  /* No camera reports its focal length through a pixbuf: a focal length of the picture's
   * longer side is a 53° field of view, between a webcam's and a portrait lens's. Where the
   * camera really is wider, the perspective error stays well under the limits. */
  const double focal = std::max (width, height);
  const PdFacePoint *pt = face->points;
  /* The pose is wanted against the line of sight, not the lens's axis: a person who faces the
   * camera from the corner of the picture, or in a crop of a larger one, looks straight at it.
   * With the principal point on the face, the fit measures exactly that. */
  double cx = 0, cy = 0;
  for (const auto &g : generic_face)
    {
      cx += pt[g.index].x / G_N_ELEMENTS (generic_face);
      cy += pt[g.index].y / G_N_ELEMENTS (generic_face);
    }
  const double eye_px = std::hypot (pt[45].x - pt[36].x, pt[45].y - pt[36].y);

  if (!(eye_px > 1))
    return FALSE;

  const double z0 = focal * 90.0 / eye_px;
  std::vector<PoseSample> samples;
  for (const auto &g : generic_face)
    for (int axis = 0; axis < 2; axis++)
      {
        PoseSample s = { g.x, g.y, g.z,
                         axis == 0 ? (pt[g.index].x - cx) / focal : (pt[g.index].y - cy) / focal,
                         axis, focal / eye_px };
        samples.push_back (s);
      }

  auto residual = [z0] (const PoseSample &s, const PoseParams &p) -> double
    {
      double u, v;

      project (s, p, z0, &u, &v);
      return s.weight * ((s.axis == 0 ? u : v) - s.observed);
    };

  PoseParams params;
  params = 0, 0, std::atan2 (pt[45].y - pt[36].y, pt[45].x - pt[36].x),
           (pt[30].x - cx) / focal, (pt[30].y - cy) / focal, 1;

  double objective;
  try
    {
      objective = dlib::solve_least_squares_lm (dlib::objective_delta_stop_strategy (1e-12, 200),
                                                residual, dlib::derivative (residual), samples,
                                                params);
    }
  catch (const std::exception &e)
    {
      g_debug ("Head pose fit failed: %s", e.what ());
      return FALSE;
    }
  if (!std::isfinite (objective) || !(params(5) > 0))
    return FALSE;

  const double to_deg = 180.0 / G_PI;
  /* Turning to the person's left (positive yaw about y) brings the eyes forward on the
   * image's left: the nose moves to the image's right. */
  pose->yaw = -params(1) * to_deg;
  pose->pitch = params(0) * to_deg;
  pose->roll = std::remainder (params(2), 2 * G_PI) * to_deg;
  /* solve_least_squares_lm minimises half the sum of squares. */
  pose->error = std::sqrt (2 * objective / samples.size ());
  return TRUE;
}
