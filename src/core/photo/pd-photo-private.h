/* pd-photo-private.h: the geometry that the checks and the crop share. */
#pragma once

#include "pd-photo.h"

G_BEGIN_DECLS

/* A similarity transform from the standard frame (width × height output pixels, eyes level
 * and at the profile's line) to the source picture. Coordinates are continuous: pixel i spans
 * [i, i + 1). */
typedef struct {
  double ex, ey;        /* the midpoint of the eyes in the source */
  double ux, uy;        /* unit vector along the eye line, from the image's left eye */
  double scale;         /* source pixels per frame pixel */
  double width, height; /* the frame's size */
  double eye_u, eye_v;  /* where the midpoint of the eyes lands in the frame */
} PdPhotoFrame;

static inline void
pd_photo_frame_to_source (const PdPhotoFrame *f,
                          double              u,
                          double              v,
                          double             *x,
                          double             *y)
{
  double du = (u - f->eye_u) * f->scale;
  double dv = (v - f->eye_v) * f->scale;

  *x = f->ex + du * f->ux - dv * f->uy;
  *y = f->ey + du * f->uy + dv * f->ux;
}

static inline void
pd_photo_frame_from_source (const PdPhotoFrame *f,
                            double              x,
                            double              y,
                            double             *u,
                            double             *v)
{
  double dx = x - f->ex;
  double dy = y - f->ey;

  *u = f->eye_u + (dx * f->ux + dy * f->uy) / f->scale;
  *v = f->eye_v + (-dx * f->uy + dy * f->ux) / f->scale;
}

struct _PdPhotoReport {
  PdPhotoMode mode;
  guint       face_count;
  gboolean    has_face;
  PdFace      face;          /* continuous coordinates */
  double      head_height;   /* chin to crown, source pixels */
  gboolean    background_passed;
  double      background_rgb[3];
  GArray     *checks;        /* PdPhotoCheck */
};

/* The faces in @image as the checks find them (HOG, then the CNN where HOG finds none and
 * @mode is not PREVIEW): a GArray of PdFace in pixel indices, strongest first. */
GArray      *pd_photo_find_faces     (PdFaceModel          *model,
                                      PdPhotoProfile       *profile,
                                      GdkPixbuf            *image,
                                      PdPhotoMode           mode);

PdPhotoFrame pd_photo_frame_for_size (const PdPhotoReport  *report,
                                      PdPhotoProfile       *profile,
                                      double                width,
                                      double                height);

/* Samples @frame of @image into @rgb (width × height × 3, tightly packed). @valid, when not
 * NULL, gets 1 where the sample fell inside the picture. Shrinks with a box filter first so
 * that a 12-megapixel still does not alias. */
void         pd_photo_render_frame   (GdkPixbuf            *image,
                                      const PdPhotoFrame   *frame,
                                      guint8               *rgb,
                                      guint8               *valid);

/* Where the head and the background are in a frame from pd_photo_frame_for_size(). */
typedef struct {
  double cx, cy;   /* centre of the head ellipse */
  double rx, ry;   /* its half axes, with room for hair */
  double chin_v;   /* the chin line */
} PdPhotoHeadShape;

PdPhotoHeadShape pd_photo_head_shape (const PdPhotoReport *report,
                                      PdPhotoProfile      *profile,
                                      const PdPhotoFrame  *frame);

G_END_DECLS
