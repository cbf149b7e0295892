/* pd-face-dlib.cpp: pd-face.h over dlib. The only C++ in Passdesk: keep it thin. */
#define G_LOG_DOMAIN "pd-face"

#include "config.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <vector>

#include <dlib/dnn.h>
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

/* The same for PdRgbImage, whose 3-byte pixels are laid out as dlib's rgb_pixel. */
struct PdRgbView
{
  const guint8 *data;
  long          width;
  long          height;
  long          stride;
};

namespace dlib
{
template <> struct image_traits<PdRgbView>
{
  typedef rgb_pixel pixel_type;
};
}

static_assert (sizeof (dlib::rgb_pixel) == 3, "rgb_pixel is three packed bytes");

static inline long num_rows (const PdGrayView &view) { return view.height; }
static inline long num_columns (const PdGrayView &view) { return view.width; }
static inline long width_step (const PdGrayView &view) { return view.stride; }
static inline const void *image_data (const PdGrayView &view) { return view.data; }
static inline void *image_data (PdGrayView &view) { return const_cast<guint8 *> (view.data); }
static inline long num_rows (const PdRgbView &view) { return view.height; }
static inline long num_columns (const PdRgbView &view) { return view.width; }
static inline long width_step (const PdRgbView &view) { return view.stride; }
static inline const void *image_data (const PdRgbView &view) { return view.data; }
static inline void *image_data (PdRgbView &view) { return const_cast<guint8 *> (view.data); }

/* The layers of dlib's CNN face detector (MMOD), as its model file was trained and serialised:
 * the type must match the file layer for layer or deserialising fails. Three strided 5 × 5
 * convolutions bring the picture down 8 times, three more of 45 filters look at it there, and
 * one 9 × 9 filter scores each place, on every level of a pyramid shrinking by 5/6. */
namespace cnn
{
using namespace dlib;

template <long filters, typename SUBNET> using down = relu<affine<con<filters, 5, 5, 2, 2, SUBNET>>>;
template <long filters, typename SUBNET> using same = relu<affine<con<filters, 5, 5, 1, 1, SUBNET>>>;
using detector = loss_mmod<con<1, 9, 9, 1, 1,
                               same<45, same<45, same<45,
                               down<32, down<32, down<16,
                               input_rgb_image_pyramid<pyramid_down<6>>>>>>>>>>;
}

/* dlib's face recognition network (dlib_face_recognition_resnet_model_v1), layer for layer as
 * serialised: a 29-layer ResNet over a 150 × 150 face chip, ending in 128 numbers. */
namespace recognition
{
using namespace dlib;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;
template <typename SUBNET> using level0 = ares_down<256, SUBNET>;
template <typename SUBNET> using level1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using level2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using level3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using level4 = ares<32, ares<32, ares<32, SUBNET>>>;
using net = loss_metric<fc_no_bias<128, avg_pool_everything<
                        level0<level1<level2<level3<level4<
                        max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2,
                        input_rgb_image_sized<150>>>>>>>>>>>>>;
}

struct _PdFaceModel
{
  char                         *path;
  dlib::frontal_face_detector   detector;
  dlib::shape_predictor         predictor;
  /* The detector keeps scratch buffers, so callers take turns; the predictor is const. */
  std::mutex                    detector_lock;

  /* The CNN detector, only wanted where HOG finds nothing: loaded on first use, once, and run
   * by one caller at a time (the network keeps its activations between calls). */
  std::once_flag                cnn_once;
  cnn::detector                *cnn;
  std::mutex                    cnn_lock;

  /* The recognition network, loaded on first use, twice over: it keeps its activations
   * between calls, so one copy runs at a time, and a comparison describes its two photos at
   * once, one on each core (the copy costs its 22.5 MB of weights again). */
  std::mutex                    recognizer_load_lock;
  recognition::net             *recognizer[2];
  std::mutex                    recognizer_lock[2];
};

/* The landmarks in @box, on a copy of its neighbourhood turned until the eyes are level. The
 * landmark model was trained on upright faces: on a face rolled 30° its first guess leaves
 * the eyes at a few degrees, so the roll check would pass a tilted head. HOG only finds faces
 * it sees nearly upright; the CNN also finds the others. */
static dlib::full_object_detection
place_levelled (PdFaceModel            *model,
                const PdGrayView       &full_view,
                const dlib::rectangle  &box)
{
  dlib::full_object_detection shape = model->predictor (full_view, box);
  const double side = box.width ();
  const dlib::dpoint centre = dlib::dcenter (box);

  /* Twice: the first turn is by the roll the upright guess saw, which falls short. */
  for (int pass = 0; pass < 2; pass++)
    {
      dlib::dpoint left = shape.part (36), right = shape.part (45);
      double roll = std::atan2 (right.y () - left.y (), right.x () - left.x ());
      if (std::abs (roll) < 5 * G_PI / 180 || !(side > 1))
        break;

      unsigned long size = (unsigned long) std::lround (2 * side);
      dlib::chip_details chip (dlib::centered_drect (centre, 2 * side, 2 * side),
                               dlib::chip_dims (size, size), roll);
      dlib::point_transform_affine to_chip = dlib::get_mapping_to_chip (chip);
      dlib::dpoint eyes = to_chip (right) - to_chip (left);
      /* Whichever way dlib turns the chip, the eyes must come out level on it. */
      if (std::abs (eyes.y ()) > std::abs (eyes.x ()) * std::tan (std::abs (roll) / 2))
        {
          chip.angle = -roll;
          to_chip = dlib::get_mapping_to_chip (chip);
        }

      dlib::matrix<unsigned char> image;
      dlib::extract_image_chip (full_view, chip, image);
      dlib::rectangle on_chip = dlib::centered_rect (dlib::point (size / 2, size / 2), box.width (), box.height ());
      dlib::full_object_detection levelled = model->predictor (image, on_chip);
      dlib::point_transform_affine from_chip = dlib::inv (to_chip);
      std::vector<dlib::point> parts;
      for (unsigned long i = 0; i < levelled.num_parts (); i++)
        parts.push_back (from_chip (dlib::dpoint (levelled.part (i))));
      shape = dlib::full_object_detection (box, parts);
    }
  return shape;
}

/* Where the CNN found a face HOG missed, HOG usually finds it on a copy of the place turned
 * upright: the landmark model then gets the box it was trained on. Tries turns of up to 45°
 * each way on a small copy (a face of about 100 px, cheap for HOG), then places the
 * landmarks on a full-resolution copy at the best turn. FALSE when no turn shows a face. */
static bool
place_on_upright (PdFaceModel                  *model,
                  const PdGrayView             &full_view,
                  const dlib::rectangle        &box,
                  dlib::full_object_detection  &shape)
{
  const double side = box.width ();
  const dlib::drectangle around = dlib::centered_drect (dlib::dcenter (box), 2 * side, 2 * side);
  const unsigned long small = 200;
  double best = -HUGE_VAL, best_angle = 0;
  dlib::drectangle best_box;

  for (double degrees : { 0.0, 15.0, -15.0, 30.0, -30.0, 45.0, -45.0 })
    {
      dlib::chip_details chip (around, dlib::chip_dims (small, small), degrees * G_PI / 180);
      dlib::matrix<unsigned char> image;
      std::vector<dlib::rect_detection> found;

      dlib::extract_image_chip (full_view, chip, image);
      {
        std::lock_guard<std::mutex> guard (model->detector_lock);
        model->detector (image, found, 0);
      }
      for (const dlib::rect_detection &d : found)
        {
          dlib::dpoint c = dlib::dcenter (d.rect);
          /* The face the CNN found is the one in the middle, not a neighbour's. */
          if (d.detection_confidence > best && std::abs (c.x () - small / 2.0) < small / 4.0 &&
              std::abs (c.y () - small / 2.0) < small / 4.0)
            {
              best = d.detection_confidence;
              best_angle = degrees * G_PI / 180;
              best_box = d.rect;
            }
        }
    }
  if (best == -HUGE_VAL)
    return false;

  unsigned long size = (unsigned long) std::clamp (std::lround (2 * side), (long) small, 1000L);
  double k = (double) size / small;
  dlib::chip_details chip (around, dlib::chip_dims (size, size), best_angle);
  dlib::matrix<unsigned char> image;
  dlib::extract_image_chip (full_view, chip, image);
  dlib::rectangle on_chip (std::lround (best_box.left () * k), std::lround (best_box.top () * k),
                           std::lround ((best_box.right () + 1) * k) - 1,
                           std::lround ((best_box.bottom () + 1) * k) - 1);
  dlib::full_object_detection upright = model->predictor (image, on_chip);
  dlib::point_transform_affine from_chip = dlib::inv (dlib::get_mapping_to_chip (chip));
  std::vector<dlib::point> parts;
  for (unsigned long i = 0; i < upright.num_parts (); i++)
    parts.push_back (from_chip (dlib::dpoint (upright.part (i))));
  shape = dlib::full_object_detection (box, parts);
  return true;
}

/* Places the landmarks of each detection (boxes on an image @detect_scale times @full's size)
 * on @full and appends them to @faces, strongest first; @level: on a levelled copy. */
static void
add_faces (PdFaceModel                       *model,
           std::vector<dlib::rect_detection> &found,
           double                             detect_scale,
           const PdGrayImage                 *full,
           bool                               level,
           GArray                            *faces)
{
  PdGrayView full_view = { full->data, full->width, full->height, full->stride };

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
      dlib::full_object_detection shape;
      if (!level || !place_on_upright (model, full_view, on_full, shape))
        shape = level ? place_levelled (model, full_view, on_full) : model->predictor (full_view, on_full);

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
}

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
  delete model->cnn;
  delete model->recognizer[0];
  delete model->recognizer[1];
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

  add_faces (model, found, detect_scale, full, false, faces);
  return faces;
}

static void
load_cnn (PdFaceModel *model)
{
  g_autofree char *path = pd_face_detector_resolve_path ();

  try
    {
      std::ifstream in (path, std::ios::binary);
      if (!in)
        throw dlib::serialization_error ("cannot open the file");
      std::unique_ptr<cnn::detector> net (new cnn::detector ());
      dlib::deserialize (*net, in);
      model->cnn = net.release ();
    }
  catch (const std::exception &e)
    {
      /* Not fatal: the checks still have HOG, which finds most faces. Said once per model. */
      g_warning ("Cannot load the CNN face detector %s (%s): faces the HOG detector misses "
                 "stay unfound. Reinstall Passdesk or set PASSDESK_FACE_DETECTOR_MODEL.",
                 path, e.what ());
    }
}

gboolean
pd_face_model_load_cnn (PdFaceModel *model)
{
  g_return_val_if_fail (model != NULL, FALSE);

  std::call_once (model->cnn_once, load_cnn, model);
  return model->cnn != NULL;
}

GArray *
pd_face_model_detect_cnn (PdFaceModel       *model,
                          const PdRgbImage  *detect,
                          double             detect_scale,
                          const PdGrayImage *full,
                          double             min_score)
{
  GArray *faces = g_array_new (FALSE, TRUE, sizeof (PdFace));

  g_return_val_if_fail (model != NULL, faces);
  g_return_val_if_fail (detect != NULL && full != NULL && detect_scale > 0, faces);

  if (!pd_face_model_load_cnn (model))
    return faces;

  std::vector<dlib::rect_detection> found;
  try
    {
      /* Small: the caller shrinks the picture to what the time allows, so the copy is cheap. */
      dlib::matrix<dlib::rgb_pixel> image (detect->height, detect->width);
      for (long y = 0; y < detect->height; y++)
        {
          const guint8 *row = detect->data + (gsize) y * detect->stride;
          for (long x = 0; x < detect->width; x++)
            image (y, x) = dlib::rgb_pixel (row[3 * x], row[3 * x + 1], row[3 * x + 2]);
        }

      std::vector<dlib::mmod_rect> boxes;
      {
        std::lock_guard<std::mutex> guard (model->cnn_lock);
        boxes = model->cnn->process (image, min_score);
      }
      for (const dlib::mmod_rect &m : boxes)
        {
          /* The 68-point model was trained on HOG's boxes; the CNN's sit higher and a little
           * larger. Measured on the 24 real faces both find at 640 px (median; spread about
           * 7 % of the box): HOG's centre is 0.04 box widths right and 0.06 lower, its side
           * 0.92 times the CNN's. */
          const dlib::rectangle &r = m.rect;
          double side = r.width () * 0.92;
          double cx = dlib::center (r).x () + 0.04 * r.width ();
          double cy = dlib::center (r).y () + 0.06 * r.width ();
          dlib::rectangle hog_like (std::lround (cx - side / 2), std::lround (cy - side / 2),
                                    std::lround (cx + side / 2) - 1, std::lround (cy + side / 2) - 1);
          found.push_back (dlib::rect_detection { m.detection_confidence, 0, hog_like });
        }
    }
  catch (const std::exception &e)
    {
      g_warning ("CNN face detection failed: %s", e.what ());
      return faces;
    }

  add_faces (model, found, detect_scale, full, true, faces);
  return faces;
}

gboolean
pd_face_model_load_recognizer (PdFaceModel  *model,
                               GError      **error)
{
  g_return_val_if_fail (model != NULL, FALSE);

  std::lock_guard<std::mutex> guard (model->recognizer_load_lock);
  if (model->recognizer[1] != NULL)
    return TRUE;

  g_autofree char *path = pd_face_recognizer_resolve_path ();
  try
    {
      std::ifstream in (path, std::ios::binary);
      if (!in)
        throw dlib::serialization_error ("cannot open the file");
      std::unique_ptr<recognition::net> net (new recognition::net ());
      dlib::deserialize (*net, in);
      std::unique_ptr<recognition::net> copy (new recognition::net (*net));
      model->recognizer[0] = net.release ();
      model->recognizer[1] = copy.release ();
    }
  catch (const std::exception &e)
    {
      g_debug ("Cannot load %s: %s", path, e.what ());
      g_set_error (error, PD_FACE_ERROR, PD_FACE_ERROR_RECOGNIZER,
                   _("The face recognition model “%s” is missing or damaged, so photos cannot "
                     "be compared. Reinstall Passdesk, or point PASSDESK_FACE_RECOGNIZER_MODEL "
                     "at dlib_face_recognition_resnet_model_v1.dat."), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_face_model_describe (PdFaceModel       *model,
                        const PdRgbImage  *image,
                        const PdFace      *face,
                        PdFaceDescriptor  *descriptor,
                        GError           **error)
{
  g_return_val_if_fail (model != NULL && image != NULL && face != NULL && descriptor != NULL, FALSE);

  PdRgbView view = { image->data, image->width, image->height, image->stride };
  std::vector<dlib::point> parts;
  for (int i = 0; i < PD_FACE_N_POINTS; i++)
    parts.push_back (dlib::point (std::lround (face->points[i].x), std::lround (face->points[i].y)));
  dlib::rectangle box (std::lround (face->left), std::lround (face->top),
                       std::lround (face->right) - 1, std::lround (face->bottom) - 1);
  dlib::full_object_detection shape (box, parts);

  try
    {
      /* As the network was trained: aligned by dlib from the landmarks, 25 % margin. */
      dlib::matrix<dlib::rgb_pixel> chip;
      dlib::extract_image_chip (view, dlib::get_face_chip_details (shape, 150, 0.25), chip);

      if (!pd_face_model_load_recognizer (model, error))
        return FALSE;
      /* Whichever copy is free; the first when both are busy. */
      int slot = model->recognizer_lock[0].try_lock () ? 0 : model->recognizer_lock[1].try_lock () ? 1 : -1;
      if (slot < 0)
        {
          model->recognizer_lock[0].lock ();
          slot = 0;
        }
      std::lock_guard<std::mutex> guard (model->recognizer_lock[slot], std::adopt_lock);
      dlib::matrix<float, 0, 1> values = (*model->recognizer[slot]) (chip);
      for (int i = 0; i < PD_FACE_DESCRIPTOR_SIZE; i++)
        descriptor->values[i] = values (i);
    }
  catch (const std::exception &e)
    {
      g_warning ("Face description failed: %s", e.what ());
      g_set_error_literal (error, PD_FACE_ERROR, PD_FACE_ERROR_FAILED,
                           _("The face could not be measured. Try another photo."));
      return FALSE;
    }
  return TRUE;
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
