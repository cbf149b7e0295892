/* pd-form-columns.c: the form's groups in as many columns as the window's width holds (up to three). */
#define G_LOG_DOMAIN "pd-form-columns"

#include "config.h"

#include "pd-form-columns.h"

/* A column narrower than this cuts the longer field titles and commune names: at 1366 px three
 * fit, at 1024 px two, under 900 px one. */
#define MIN_COLUMN_WIDTH 420
/* Lines longer than this are hard to follow across the screen. */
#define MAX_COLUMN_WIDTH 640
#define MAX_COLUMNS 3
#define COLUMN_GAP 24
#define GROUP_SPACING 24
#define MARGIN_X 18
#define MARGIN_Y 18
/* Marks the children of pd_form_columns_add_side(). */
#define SIDE_KEY "pd-form-columns-side"

struct _PdFormColumns
{
  GtkWidget parent_instance;

  guint     n_columns;
};

G_DEFINE_FINAL_TYPE (PdFormColumns, pd_form_columns, GTK_TYPE_WIDGET)

static guint
columns_for_width (int width)
{
  int inner = width - 2 * MARGIN_X;
  guint n = MAX_COLUMNS;

  while (n > 1 && inner < (int) n * MIN_COLUMN_WIDTH + (int) (n - 1) * COLUMN_GAP)
    n--;
  return n;
}

static int
column_width (int   width,
              guint n_columns)
{
  int inner = width - 2 * MARGIN_X - (int) (n_columns - 1) * COLUMN_GAP;

  return CLAMP (inner / (int) n_columns, 0, MAX_COLUMN_WIDTH);
}

static int
child_height (GtkWidget *child,
              int        width)
{
  int min = 0;

  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &min, NULL, NULL, NULL);
  return min;
}

typedef struct
{
  GtkWidget *child;
  int        height;   /* -1: hidden */
  guint      column;
  int        y;
} Place;

/* The height of the children @order[@first] to before @order[@end], one under the other. */
static int
stack_height (GArray      *places,
              const guint *order,
              guint        first,
              guint        end)
{
  int total = 0;

  for (guint i = first; i < end; i++)
    {
      int h = g_array_index (places, Place, order[i]).height;

      if (h >= 0)
        total += h + GROUP_SPACING;
    }
  return MAX (total - GROUP_SPACING, 0);
}

/* Puts @order[@first] to before @order[@end] down @column from @y; returns where it ends. */
static int
place_down (GArray      *places,
            const guint *order,
            guint        first,
            guint        end,
            guint        column,
            int          y)
{
  for (guint i = first; i < end; i++)
    {
      Place *place = &g_array_index (places, Place, order[i]);

      place->column = column;
      place->y = y;
      if (place->height >= 0)
        y += place->height + GROUP_SPACING;
    }
  return y;
}

/* Where each child goes at column width @width in @n_columns columns, and the height of the
 * tallest column. The children stay in order, down one column then the next, split where the
 * tallest column is the shortest, so that the columns end about level; with two columns or
 * more, the side children (pd_form_columns_add_side()) head the last one. */
static GArray *
plan (PdFormColumns *self,
      int            width,
      guint          n_columns,
      int           *height)
{
  GArray *places = g_array_new (FALSE, FALSE, sizeof (Place));
  g_autofree guint *main_order = NULL;
  g_autofree guint *side_order = NULL;
  guint n_main = 0, n_side = 0, k;
  guint best_a = 0, best_b = 0;
  int side, best = G_MAXINT;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Place place = { child, gtk_widget_should_layout (child) ? child_height (child, width) : -1, 0, 0 };

      g_array_append_val (places, place);
    }
  k = places->len;
  main_order = g_new (guint, k + 1);
  side_order = g_new (guint, k + 1);
  for (guint i = 0; i < k; i++)
    {
      if (n_columns > 1 && g_object_get_data (G_OBJECT (g_array_index (places, Place, i).child), SIDE_KEY))
        side_order[n_side++] = i;
      else
        main_order[n_main++] = i;
    }

  if (n_columns == 1)
    {
      *height = stack_height (places, main_order, 0, n_main);
      place_down (places, main_order, 0, n_main, 0, MARGIN_Y);
      return places;
    }

  side = stack_height (places, side_order, 0, n_side);
  /* A dozen groups at most: every split is tried. */
  for (guint a = 0; a <= n_main; a++)
    for (guint b = a; b <= (n_columns > 2 ? n_main : a); b++)
      {
        int rest = stack_height (places, main_order, b, n_main);
        int last = side > 0 && rest > 0 ? side + GROUP_SPACING + rest : side + rest;
        int tallest = MAX (stack_height (places, main_order, 0, a),
                           MAX (stack_height (places, main_order, a, b), last));

        if (tallest < best)
          {
            best = tallest;
            best_a = a;
            best_b = b;
          }
      }
  *height = best;
  place_down (places, main_order, 0, best_a, 0, MARGIN_Y);
  place_down (places, main_order, best_a, best_b, 1, MARGIN_Y);
  place_down (places, main_order, best_b, n_main, n_columns - 1,
              place_down (places, side_order, 0, n_side, n_columns - 1, MARGIN_Y));
  return places;
}

static void
pd_form_columns_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  PdFormColumns *self = PD_FORM_COLUMNS (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int min = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int child_min = 0;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
          min = MAX (min, child_min);
        }
      *minimum = min + 2 * MARGIN_X;
      *natural = MAX_COLUMNS * MAX_COLUMN_WIDTH + (MAX_COLUMNS - 1) * COLUMN_GAP + 2 * MARGIN_X;
    }
  else
    {
      int width = for_size >= 0 ? for_size : MIN_COLUMN_WIDTH + 2 * MARGIN_X;
      guint n = columns_for_width (width);
      int height;
      g_autoptr(GArray) places = plan (self, column_width (width, n), n, &height);

      *minimum = *natural = height + 2 * MARGIN_Y;
    }
  *minimum_baseline = *natural_baseline = -1;
}

static GtkSizeRequestMode
pd_form_columns_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
pd_form_columns_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  PdFormColumns *self = PD_FORM_COLUMNS (widget);
  guint n = columns_for_width (width);
  int cw = column_width (width, n);
  /* Centred, as the single column of a preferences page is. */
  int left = MAX ((width - (int) n * cw - (int) (n - 1) * COLUMN_GAP) / 2, 0);
  int total;
  g_autoptr(GArray) places = plan (self, cw, n, &total);

  self->n_columns = n;
  for (guint i = 0; i < places->len; i++)
    {
      Place *place = &g_array_index (places, Place, i);

      if (place->height >= 0)
        gtk_widget_size_allocate (place->child,
                                  &(GtkAllocation) { left + (int) place->column * (cw + COLUMN_GAP), place->y,
                                                     cw, place->height }, -1);
    }
}

/* Tab and Enter (the next field) go down the columns in the children's order, not across
 * them as GTK's sort by position would. */
static gboolean
pd_form_columns_focus (GtkWidget        *widget,
                       GtkDirectionType  direction)
{
  gboolean forward = direction == GTK_DIR_TAB_FORWARD;
  GtkWidget *child;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return GTK_WIDGET_CLASS (pd_form_columns_parent_class)->focus (widget, direction);

  child = gtk_widget_get_focus_child (widget);
  if (child == NULL)
    child = forward ? gtk_widget_get_first_child (widget) : gtk_widget_get_last_child (widget);
  for (; child != NULL; child = forward ? gtk_widget_get_next_sibling (child) : gtk_widget_get_prev_sibling (child))
    if (gtk_widget_should_layout (child) && gtk_widget_child_focus (child, direction))
      return TRUE;
  return FALSE;
}

static void
pd_form_columns_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pd_form_columns_parent_class)->dispose (object);
}

static void
pd_form_columns_class_init (PdFormColumnsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_form_columns_dispose;
  widget_class->measure = pd_form_columns_measure;
  widget_class->get_request_mode = pd_form_columns_get_request_mode;
  widget_class->size_allocate = pd_form_columns_size_allocate;
  widget_class->focus = pd_form_columns_focus;
}

static void
pd_form_columns_init (PdFormColumns *self)
{
  self->n_columns = 1;
}

void
pd_form_columns_add (PdFormColumns *self,
                     GtkWidget     *child)
{
  g_return_if_fail (PD_IS_FORM_COLUMNS (self));
  g_return_if_fail (GTK_IS_WIDGET (child));

  gtk_widget_set_parent (child, GTK_WIDGET (self));
}

void
pd_form_columns_add_side (PdFormColumns *self,
                          GtkWidget     *child)
{
  g_return_if_fail (PD_IS_FORM_COLUMNS (self));
  g_return_if_fail (GTK_IS_WIDGET (child));

  g_object_set_data (G_OBJECT (child), SIDE_KEY, GINT_TO_POINTER (TRUE));
  gtk_widget_set_parent (child, GTK_WIDGET (self));
}

guint
pd_form_columns_get_n_columns (PdFormColumns *self)
{
  g_return_val_if_fail (PD_IS_FORM_COLUMNS (self), 1);
  return self->n_columns;
}
