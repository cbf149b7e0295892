/* pd-text.c: folding Vietnamese text for comparison and search.
 *
 * "Nguyễn Văn Đức", "NGUYEN VAN DUC" and "nguyen  van duc" fold to the same
 * "nguyen van duc": decompose, drop combining marks, map đ/Đ (which has no
 * decomposition) to d, lower-case, and keep letters and digits as words.
 */
#define G_LOG_DOMAIN "pd-text"

#include "config.h"

#include <string.h>

#include "pd-text.h"

char *
pd_text_fold (const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *nfd = NULL;
  GString *out;
  gboolean pending_space = FALSE;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  nfd = g_utf8_normalize (valid, -1, G_NORMALIZE_NFD);
  out = g_string_sized_new (strlen (nfd));

  for (const char *p = nfd; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_ismark (c))
        continue;
      if (c == 0x0110 || c == 0x0111)  /* Đ đ */
        c = 'd';
      if (!g_unichar_isalnum (c))
        {
          pending_space = out->len > 0;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_unichar (out, g_unichar_tolower (c));
    }

  return g_string_free (out, FALSE);
}

char **
pd_text_words (const char *text)
{
  g_autofree char *folded = pd_text_fold (text);

  if (*folded == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (folded, " ", -1);
}

gboolean
pd_text_equal_folded (const char *a,
                      const char *b)
{
  g_autofree char *fa = pd_text_fold (a);
  g_autofree char *fb = pd_text_fold (b);

  return g_str_equal (fa, fb);
}

gboolean
pd_text_search_matches (const char *folded_text,
                        const char *query)
{
  g_auto(GStrv) wanted = pd_text_words (query);
  g_auto(GStrv) words = NULL;

  if (wanted[0] == NULL)
    return TRUE;
  words = g_strsplit (folded_text ? folded_text : "", " ", -1);
  for (guint i = 0; wanted[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; words[j] != NULL && !found; j++)
        found = g_str_has_prefix (words[j], wanted[i]);
      if (!found)
        return FALSE;
    }
  return TRUE;
}
