/* pd-face-dlib.cpp: pd-face.h over dlib. The only C++ in Passdesk: keep it thin. */
#define G_LOG_DOMAIN "pd-face"

#include "config.h"

#include <algorithm>
#include <exception>
#include <fstream>
#include <mutex>
#include <vector>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>

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
