/* pd-demo.c: realistic synthetic applications.
 *
 * Frequencies are rough public figures (surname shares, ethnic groups in the 2019 census,
 * mobile prefixes); they only need to make lists, search and statistics look like an office.
 * Everything is picked from static tables or indexed in the reference data, so that a
 * benchmark can generate a million dossiers in seconds.
 */
#define G_LOG_DOMAIN "pd-demo"

#include "config.h"

#include <string.h>

#include "pd-date.h"
#include "pd-demo.h"
#include "pd-dossier.h"
#include "pd-reference.h"
#include "pd-text.h"

typedef struct
{
  const char *value;
  guint       weight;
} Weighted;

/* Per mille of the population, roughly. */
static const Weighted surnames[] = {
  { "Nguyễn", 380 }, { "Trần", 110 }, { "Lê", 95 }, { "Phạm", 70 }, { "Hoàng", 35 },
  { "Huỳnh", 16 }, { "Phan", 45 }, { "Vũ", 24 }, { "Võ", 15 }, { "Đặng", 21 },
  { "Bùi", 20 }, { "Đỗ", 14 }, { "Hồ", 13 }, { "Ngô", 13 }, { "Dương", 10 },
  { "Lý", 5 }, { "Đinh", 8 }, { "Trương", 8 }, { "Đoàn", 5 }, { "Lâm", 4 },
  { "Mai", 4 }, { "Hà", 4 }, { "Lương", 3 }, { "Cao", 3 }, { "Tô", 2 },
  { "Thái", 2 }, { "Tạ", 2 }, { "Châu", 2 }, { "Kiều", 1 }, { "Quách", 1 },
  { "La", 1 }, { "Tăng", 1 }, { "Văn", 1 }, { "Khổng", 1 },
};

static const Weighted male_middle[] = {
  { "Văn", 300 }, { "Đức", 70 }, { "Minh", 80 }, { "Hữu", 50 }, { "Quang", 50 },
  { "Thanh", 40 }, { "Công", 40 }, { "Ngọc", 25 }, { "Xuân", 25 }, { "Gia", 30 },
  { "Quốc", 40 }, { "Hoàng", 30 }, { "Trung", 20 }, { "Đình", 40 }, { "Anh", 30 },
  { "Bảo", 25 }, { "Tuấn", 15 }, { "Mạnh", 15 }, { "Thế", 20 }, { "Tiến", 15 },
};

static const Weighted female_middle[] = {
  { "Thị", 320 }, { "Ngọc", 70 }, { "Thu", 50 }, { "Thanh", 50 }, { "Minh", 30 },
  { "Hồng", 40 }, { "Phương", 30 }, { "Mai", 25 }, { "Kim", 35 }, { "Bảo", 30 },
  { "Khánh", 25 }, { "Thùy", 30 }, { "Diệu", 15 }, { "Hoài", 15 }, { "Quỳnh", 20 },
  { "Thảo", 15 }, { "Hải", 15 }, { "Tuyết", 10 }, { "Lan", 10 }, { "Như", 15 },
};

static const char *male_given[] = {
  "An", "Anh", "Bảo", "Bình", "Cường", "Công", "Chiến", "Dũng", "Duy", "Dương", "Đạt", "Đức",
  "Đông", "Giang", "Hải", "Hiếu", "Hiển", "Hoàng", "Hòa", "Hùng", "Hưng", "Huy", "Hậu", "Khang",
  "Khánh", "Khoa", "Khôi", "Kiên", "Lâm", "Long", "Lộc", "Lực", "Mạnh", "Minh", "Nam", "Nghĩa",
  "Nhân", "Phát", "Phong", "Phúc", "Phước", "Quân", "Quang", "Quý", "Sơn", "Tài", "Tâm", "Tân",
  "Thắng", "Thành", "Thiện", "Thịnh", "Thông", "Tiến", "Tín", "Toàn", "Trí", "Trọng", "Trung",
  "Tuấn", "Tùng", "Vinh", "Việt", "Vũ", "Hoàn", "Lợi", "Nguyên", "Nhật", "Quyết", "Thái",
};

static const char *female_given[] = {
  "Anh", "Ánh", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hằng", "Hạnh", "Hân",
  "Hiền", "Hoa", "Hồng", "Hương", "Huyền", "Khuê", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai",
  "My", "Nga", "Ngân", "Ngọc", "Nhàn", "Nhi", "Nhung", "Như", "Oanh", "Phương", "Phượng", "Quyên",
  "Quỳnh", "Tâm", "Thảo", "Thơ", "Thu", "Thủy", "Thư", "Trang", "Trâm", "Trinh", "Tuyết", "Uyên",
  "Vân", "Vy", "Xuân", "Yến", "Hậu", "Ngà", "Hoài", "Diễm", "Mỹ", "Nguyệt", "Thanh", "Ngân",
};

/* Ethnic groups by name, so that the codes come from whichever list the reference data uses.
 * Groups not listed here share the remaining weight. */
static const Weighted ethnic_groups[] = {
  { "Kinh", 853 }, { "Tày", 19 }, { "Thái", 18 }, { "Mường", 15 }, { "HMông", 15 },
  { "Khơ-me", 13 }, { "Nùng", 11 }, { "Dao", 9 }, { "Hoa", 8 }, { "Gia-rai", 5 },
  { "Ê-đê", 4 }, { "Ba-na", 3 }, { "Sán Dìu", 2 }, { "Chăm", 2 }, { "Cơ-ho", 2 },
  { "Xơ-đăng", 2 }, { "Sán Chay", 2 }, { "Hrê", 1 }, { "Ra-glai", 1 }, { "Mnông", 1 },
};
#define OTHER_ETHNIC_WEIGHT 8

static const Weighted religions[] = {
  { NULL, 150 }, { "Không", 700 }, { "Phật giáo", 80 }, { "Công giáo", 50 }, { "Cao Đài", 8 },
  { "Tin Lành", 8 }, { "Phật giáo Hòa Hảo", 4 },
};

static const char *mobile_prefixes[] = {
  "090", "091", "093", "094", "096", "097", "098", "086", "088", "089",
  "032", "033", "034", "035", "036", "037", "038", "039", "081", "082",
  "083", "084", "085", "070", "076", "077", "078", "079", "056", "058",
};

static const char *occupations[] = {
  "Công nhân", "Nhân viên văn phòng", "Kinh doanh tự do", "Nông dân", "Kỹ sư", "Giáo viên",
  "Bác sĩ", "Điều dưỡng", "Lái xe", "Kế toán", "Lập trình viên", "Nội trợ", "Thợ may",
  "Đầu bếp", "Công chức", "Nhân viên bán hàng", "Thợ điện", "Dược sĩ", "Kiến trúc sư",
  "Lao động tự do", "Ngư dân", "Thợ xây",
};

static const char *employers[] = {
  "Công ty TNHH Samsung Electronics Việt Nam", "Công ty Cổ phần Sữa Việt Nam",
  "Ngân hàng TMCP Ngoại thương Việt Nam", "Công ty TNHH May mặc Hòa Bình",
  "Trường Trung học phổ thông Nguyễn Du", "Bệnh viện Đa khoa tỉnh", "Công ty Cổ phần FPT",
  "Tổng công ty Điện lực miền Bắc", "Công ty TNHH Xây dựng Thành Công",
  "Hợp tác xã Nông nghiệp Tân Phú", "Công ty Cổ phần Thủy sản Minh Phú",
  "Ủy ban nhân dân xã",
};

static const char *streets[] = {
  "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
  "Nguyễn Trãi", "Hùng Vương", "Phan Chu Trinh", "Điện Biên Phủ", "Võ Thị Sáu", "Lê Duẩn",
  "Nguyễn Du", "Bạch Đằng", "Trần Phú", "Lê Hồng Phong", "Nguyễn Văn Cừ", "Phạm Văn Đồng",
  "Hoàng Hoa Thám", "Cách Mạng Tháng Tám", "Nguyễn Thị Minh Khai", "Lạc Long Quân",
};

static const char *villages[] = {
  "Thôn", "Xóm", "Ấp", "Bản", "Tổ dân phố",
};

static const char *countries[] = {
  "Liên bang Nga", "Cộng hòa Séc", "Cộng hòa Liên bang Đức", "Nhật Bản", "Hàn Quốc",
  "Ba Lan", "Hoa Kỳ", "Ukraina",
};

static const char *banks[] = {
  "Vietcombank", "VietinBank", "BIDV", "Agribank", "Techcombank", "MB Bank", "ACB",
  "Sacombank", "VPBank", "TPBank",
};

static const char *lost_reasons[] = {
  "Bị mất khi đi du lịch", "Bị mất trộm cùng ví", "Bị hỏng do ngập nước",
  "Bị rách trang thị thực", "Thất lạc khi chuyển nhà",
};

static const char *other_reasons[] = {
  "Xác nhận yếu tố nhân sự để làm thủ tục kết hôn", "Xác nhận nhân thân cho con sinh ở nước ngoài",
  "Xác nhận yếu tố nhân sự để đăng ký học tập",
};

static const char *refusal_reasons[] = {
  "Ảnh không đạt chuẩn, hẹn chụp lại", "Thiếu bản chụp căn cước", "Thông tin tờ khai không khớp căn cước",
  "Thiếu giấy tờ của người đại diện",
};

static const Weighted request_types[] = {
  { "first_issue", 550 }, { "reissue", 350 }, { "reissue_lost", 70 }, { "other", 30 },
};

static const struct {
  PdStatus status;
  guint    weight;
} statuses[] = {
  { PD_STATUS_DRAFT, 10 }, { PD_STATUS_ON_HOLD, 3 }, { PD_STATUS_ACCEPTED, 35 },
  { PD_STATUS_REFUSED, 2 }, { PD_STATUS_SENT, 10 }, { PD_STATUS_RECEIVED, 15 },
  { PD_STATUS_PROCESSING, 12 }, { PD_STATUS_READY, 11 }, { PD_STATUS_REJECTED, 2 },
};

/* Julian day of 1970-01-01 in GDate numbering, and Viet Nam's UTC offset. */
#define UNIX_EPOCH_JULIAN 719163
#define VN_UTC_OFFSET (7 * 3600)

#define PICK(rand, array) ((array)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static const char *
pick_weighted (GRand          *rand,
               const Weighted *items,
               guint           n_items)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < n_items; i++)
    total += items[i].weight;
  r = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < n_items; i++)
    {
      if (r < items[i].weight)
        return items[i].value;
      r -= items[i].weight;
    }
  g_assert_not_reached ();
}

#define PICK_WEIGHTED(rand, array) pick_weighted ((rand), (array), G_N_ELEMENTS (array))

static const char *
pick_middle (GRand    *rand,
             gboolean  female)
{
  return female ? PICK_WEIGHTED (rand, female_middle) : PICK_WEIGHTED (rand, male_middle);
}

static gboolean
chance (GRand  *rand,
        double  probability)
{
  return g_rand_double (rand) < probability;
}

/* Ethnic group entries resolved once per reference (and again when it changes). */
typedef struct
{
  const PdReferenceEntry *entries[G_N_ELEMENTS (ethnic_groups)];
  GPtrArray              *others;   /* entries not in ethnic_groups[] */
} EthnicCache;

static void
ethnic_cache_free (EthnicCache *cache)
{
  g_ptr_array_unref (cache->others);
  g_free (cache);
}

static GQuark
ethnic_cache_quark (void)
{
  return g_quark_from_static_string ("pd-demo-ethnic-cache");
}

static void
on_reference_changed (PdReference *reference,
                      guint        table,
                      gpointer     user_data)
{
  if (table == PD_REFERENCE_ETHNIC_GROUPS)
    g_object_set_qdata (G_OBJECT (reference), ethnic_cache_quark (), NULL);
}

static EthnicCache *
get_ethnic_cache (PdReference *reference)
{
  EthnicCache *cache = g_object_get_qdata (G_OBJECT (reference), ethnic_cache_quark ());
  guint n;

  if (cache != NULL)
    return cache;

  cache = g_new0 (EthnicCache, 1);
  cache->others = g_ptr_array_new ();
  n = pd_reference_count (reference, PD_REFERENCE_ETHNIC_GROUPS);
  for (guint i = 0; i < n; i++)
    {
      const PdReferenceEntry *entry = pd_reference_get_nth (reference, PD_REFERENCE_ETHNIC_GROUPS, NULL, i);
      gboolean known = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (ethnic_groups); j++)
        if (g_str_equal (entry->name, ethnic_groups[j].value))
          {
            cache->entries[j] = entry;
            known = TRUE;
          }
      /* The extra codes of some lists ("foreigner", "unknown") carry a note; they are not
       * ethnic groups of citizens. */
      if (!known && entry->kind == NULL)
        g_ptr_array_add (cache->others, (gpointer) entry);
    }

  if (g_signal_handler_find (reference, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_reference_changed, NULL) == 0)
    g_signal_connect (reference, "changed", G_CALLBACK (on_reference_changed), NULL);
  g_object_set_qdata_full (G_OBJECT (reference), ethnic_cache_quark (), cache,
                           (GDestroyNotify) ethnic_cache_free);
  return cache;
}

static const char *
pick_ethnic_group (PdReference *reference,
                   GRand       *rand)
{
  EthnicCache *cache = get_ethnic_cache (reference);
  guint total = cache->others->len > 0 ? OTHER_ETHNIC_WEIGHT : 0;
  guint r;

  for (guint i = 0; i < G_N_ELEMENTS (ethnic_groups); i++)
    if (cache->entries[i] != NULL)
      total += ethnic_groups[i].weight;
  if (total == 0)
    return NULL;

  r = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < G_N_ELEMENTS (ethnic_groups); i++)
    {
      if (cache->entries[i] == NULL)
        continue;
      if (r < ethnic_groups[i].weight)
        return cache->entries[i]->code;
      r -= ethnic_groups[i].weight;
    }
  return ((const PdReferenceEntry *) g_ptr_array_index (cache->others,
                                                        g_rand_int_range (rand, 0, cache->others->len)))->code;
}

/* A commune, weighted towards the two big cities where most passports are issued. */
static const PdReferenceEntry *
pick_commune (PdReference *reference,
              GRand       *rand)
{
  const char *city = NULL;
  guint n;

  if (chance (rand, 0.3))
    city = chance (rand, 0.55) ? "79" : "01";
  n = pd_reference_count_children (reference, PD_REFERENCE_COMMUNES, city);
  if (n == 0)
    {
      city = NULL;
      n = pd_reference_count (reference, PD_REFERENCE_COMMUNES);
    }
  if (n == 0)
    return NULL;
  return pd_reference_get_nth (reference, PD_REFERENCE_COMMUNES, city, g_rand_int_range (rand, 0, n));
}

static void
set_address (PdDossier              *dossier,
             GRand                  *rand,
             const PdReferenceEntry *commune,
             PdField                 address_field,
             char                   *buffer,
             gsize                   size)
{
  if (g_strcmp0 (commune->kind, "phường") == 0 || chance (rand, 0.2))
    {
      if (chance (rand, 0.3))
        g_snprintf (buffer, size, "Số %d ngõ %d đường %s",
                    g_rand_int_range (rand, 1, 120), g_rand_int_range (rand, 1, 400), PICK (rand, streets));
      else
        g_snprintf (buffer, size, "Số %d đường %s", g_rand_int_range (rand, 1, 500), PICK (rand, streets));
    }
  else
    g_snprintf (buffer, size, "%s %d", PICK (rand, villages), g_rand_int_range (rand, 1, 25));

  pd_dossier_set_field (dossier, address_field, buffer);
  pd_dossier_set_field (dossier, address_field + 1, commune->parent);
  pd_dossier_set_field (dossier, address_field + 2, commune->code);
}

typedef struct
{
  char  name[160];
  char  id[13];
  char  birth[11];
  GDate birth_date;
  char  sex[2];
} Person;

static void
format_date (const GDate *date,
             char         buffer[11])
{
  g_snprintf (buffer, 11, "%04u-%02u-%02u",
              (guint) g_date_get_year (date), (guint) g_date_get_month (date), (guint) g_date_get_day (date));
}

/* A birth date @years (± a year) before @today, never after it. */
static void
random_birth (GRand       *rand,
              const GDate *today,
              int          age,
              GDate       *birth)
{
  *birth = *today;
  g_date_subtract_years (birth, age);
  g_date_subtract_days (birth, g_rand_int_range (rand, 1, 365));
}

static void
make_name (GRand      *rand,
           const char *surname,
           gboolean    female,
           int         birth_year,
           char       *buffer,
           gsize       size)
{
  const char *middle;
  const char *given;

  /* Văn and Thị are less common among the young. */
  middle = pick_middle (rand, female);
  if (birth_year >= 1995 && (g_str_equal (middle, "Văn") || g_str_equal (middle, "Thị")) &&
      chance (rand, 0.6))
    middle = pick_middle (rand, female);
  given = female ? PICK (rand, female_given) : PICK (rand, male_given);
  if (g_str_equal (given, middle))
    given = female ? "Hương" : "Hùng";

  /* A second middle name now and then: "Nguyễn Thị Thu Hà". */
  if (chance (rand, 0.12))
    {
      const char *second = pick_middle (rand, female);

      if (!g_str_equal (second, middle) && !g_str_equal (second, given) &&
          !g_str_equal (second, "Văn") && !g_str_equal (second, "Thị"))
        {
          g_snprintf (buffer, size, "%s %s %s %s", surname, middle, second, given);
          return;
        }
    }
  g_snprintf (buffer, size, "%s %s %s", surname, middle, given);
}

/* The historic structure of the number: province of birth registration, century and sex,
 * year, then six random digits. */
static void
make_id_number (GRand       *rand,
                const char  *province_code,
                const GDate *birth,
                gboolean     female,
                char         id[13])
{
  int year = g_date_get_year (birth);
  int century_sex = CLAMP ((year / 100) - 19, 0, 4) * 2 + (female ? 1 : 0);

  g_snprintf (id, 13, "0%.2s%d%02d%06d",
              province_code, century_sex, year % 100, g_rand_int_range (rand, 0, 1000000));
}

static void
make_person (GRand       *rand,
             const char  *surname,
             gboolean     female,
             const GDate *birth,
             const char  *province_code,
             Person      *person)
{
  person->birth_date = *birth;
  format_date (birth, person->birth);
  make_name (rand, surname, female, g_date_get_year (birth), person->name, sizeof person->name);
  make_id_number (rand, province_code, birth, female, person->id);
  g_strlcpy (person->sex, female ? "F" : "M", sizeof person->sex);
}

static void
make_phone (GRand *rand,
            char   buffer[11])
{
  g_snprintf (buffer, 11, "%s%07d", PICK (rand, mobile_prefixes), g_rand_int_range (rand, 0, 10000000));
}

static void
make_email (GRand      *rand,
            const char *name,
            char       *buffer,
            gsize       size)
{
  static const char *domains[] = { "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "icloud.com" };
  g_autofree char *folded = pd_text_fold (name);
  char local[96];
  gsize n = 0;

  for (const char *p = folded; *p && n < sizeof local - 1; p++)
    if (g_ascii_isalnum (*p))
      local[n++] = *p;
  local[n] = '\0';
  g_snprintf (buffer, size, "%s%d@%s", local, g_rand_int_range (rand, 1, 100), PICK (rand, domains));
}

/* A date between @from and @to (inclusive); @from when the range is empty. */
static void
random_date_between (GRand       *rand,
                     const GDate *from,
                     const GDate *to,
                     GDate       *out)
{
  int span = (int) g_date_get_julian (to) - (int) g_date_get_julian (from);

  *out = *from;
  if (span > 0)
    g_date_add_days (out, g_rand_int_range (rand, 0, span + 1));
}

PdDossier *
pd_demo_dossier_new (PdReference *reference,
                     GRand       *rand,
                     GDateTime   *now)
{
  GDate today_date;
  GDate *today = &today_date;
  PdDossier *dossier;
  const PdReferenceEntry *permanent;
  const PdReferenceEntry *current;
  const PdReferenceEntry *fee;
  const char *surname;
  const char *request;
  const char *birth_province;
  gboolean female;
  gboolean minor;
  int age;
  int roll;
  guint weight;
  GDate birth;
  GDate date;
  GDate from;
  Person applicant;
  Person father;
  Person mother;
  char buffer[256];
  char phone[11];
  char uuid[37];
  guint32 u[4];

  g_return_val_if_fail (PD_IS_REFERENCE (reference), NULL);
  g_return_val_if_fail (rand != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  g_date_clear (today, 1);
  pd_date_set_from_date_time (today, now);
  dossier = pd_dossier_new ();

  for (guint i = 0; i < 4; i++)
    u[i] = g_rand_int (rand);
  g_snprintf (uuid, sizeof uuid, "%08x-%04x-4%03x-%04x-%04x%08x",
              u[0], u[1] >> 16, u[1] & 0xfff, 0x8000 | (u[2] & 0x3fff), u[2] >> 16, u[3]);
  pd_dossier_set_uuid (dossier, uuid);

  /* Age mix of applicants: some children on TK01a, mostly working-age adults. */
  roll = g_rand_int_range (rand, 0, 100);
  if (roll < 12)
    age = g_rand_int_range (rand, 0, 14);
  else if (roll < 20)
    age = g_rand_int_range (rand, 14, 18);
  else if (roll < 65)
    age = g_rand_int_range (rand, 18, 40);
  else if (roll < 90)
    age = g_rand_int_range (rand, 40, 60);
  else
    age = g_rand_int_range (rand, 60, 86);
  random_birth (rand, today, age, &birth);
  minor = age < 14;
  female = chance (rand, 0.52);
  surname = PICK_WEIGHTED (rand, surnames);

  /* Addresses: the permanent residence, and often the same current address. */
  permanent = pick_commune (reference, rand);
  if (permanent != NULL)
    set_address (dossier, rand, permanent, PD_FIELD_PERMANENT_ADDRESS, buffer, sizeof buffer);
  current = permanent;
  if (permanent != NULL && chance (rand, 0.2))
    current = pick_commune (reference, rand);
  if (current != permanent)
    {
      set_address (dossier, rand, current, PD_FIELD_CURRENT_ADDRESS, buffer, sizeof buffer);
      if (chance (rand, 0.6))
        set_address (dossier, rand, current, PD_FIELD_TEMPORARY_ADDRESS, buffer, sizeof buffer);
    }
  else if (permanent != NULL)
    {
      pd_dossier_set_field (dossier, PD_FIELD_CURRENT_ADDRESS,
                            pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_ADDRESS));
      pd_dossier_set_field (dossier, PD_FIELD_CURRENT_PROVINCE, permanent->parent);
      pd_dossier_set_field (dossier, PD_FIELD_CURRENT_COMMUNE, permanent->code);
    }

  /* Born where they live, or elsewhere in the country, rarely abroad. */
  birth_province = permanent != NULL ? permanent->parent : NULL;
  if (chance (rand, 0.3) || birth_province == NULL)
    {
      guint n = pd_reference_count (reference, PD_REFERENCE_PROVINCES);

      if (n > 0)
        birth_province = pd_reference_get_nth (reference, PD_REFERENCE_PROVINCES, NULL,
                                               g_rand_int_range (rand, 0, n))->code;
    }
  if (chance (rand, 0.01))
    pd_dossier_set_field (dossier, PD_FIELD_BIRTH_COUNTRY, PICK (rand, countries));
  else
    pd_dossier_set_field (dossier, PD_FIELD_BIRTH_PROVINCE, birth_province);

  make_person (rand, surname, female, &birth, birth_province ? birth_province : "01", &applicant);
  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, applicant.name);
  pd_dossier_set_field (dossier, PD_FIELD_SEX, applicant.sex);
  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, applicant.birth);
  pd_dossier_set_field (dossier, PD_FIELD_ID_NUMBER, applicant.id);
  pd_dossier_set_field (dossier, PD_FIELD_ETHNIC_GROUP, pick_ethnic_group (reference, rand));
  pd_dossier_set_field (dossier, PD_FIELD_RELIGION, PICK_WEIGHTED (rand, religions));

  if (!minor || chance (rand, 0.1))
    {
      make_phone (rand, phone);
      pd_dossier_set_field (dossier, PD_FIELD_PHONE, phone);
    }
  if (age >= 16 && chance (rand, 0.4))
    {
      make_email (rand, applicant.name, buffer, sizeof buffer);
      pd_dossier_set_field (dossier, PD_FIELD_EMAIL, buffer);
    }

  /* Work. */
  if (age >= 6 && age < 18)
    pd_dossier_set_field (dossier, PD_FIELD_OCCUPATION, "Học sinh");
  else if (age >= 18 && age < 23 && chance (rand, 0.6))
    pd_dossier_set_field (dossier, PD_FIELD_OCCUPATION, "Sinh viên");
  else if (age >= 60 && chance (rand, 0.7))
    pd_dossier_set_field (dossier, PD_FIELD_OCCUPATION, "Hưu trí");
  else if (age >= 18)
    {
      pd_dossier_set_field (dossier, PD_FIELD_OCCUPATION, PICK (rand, occupations));
      if (chance (rand, 0.45))
        {
          pd_dossier_set_field (dossier, PD_FIELD_EMPLOYER_NAME, PICK (rand, employers));
          g_snprintf (buffer, sizeof buffer, "Số %d đường %s", g_rand_int_range (rand, 1, 300), PICK (rand, streets));
          pd_dossier_set_field (dossier, PD_FIELD_EMPLOYER_ADDRESS, buffer);
        }
    }

  /* Parents: the father gives the surname. Always known for children, who need them. */
  random_birth (rand, &birth, g_rand_int_range (rand, 20, 40), &date);
  make_person (rand, surname, FALSE, &date, birth_province ? birth_province : "01", &father);
  random_birth (rand, &birth, g_rand_int_range (rand, 18, 38), &date);
  make_person (rand, PICK_WEIGHTED (rand, surnames), TRUE, &date,
               birth_province ? birth_province : "01", &mother);
  if (minor || chance (rand, 0.8))
    {
      pd_dossier_set_field (dossier, PD_FIELD_FATHER_NAME, father.name);
      pd_dossier_set_field (dossier, PD_FIELD_MOTHER_NAME, mother.name);
      if (minor || chance (rand, 0.85))
        {
          pd_dossier_set_field (dossier, PD_FIELD_FATHER_BIRTH_DATE, father.birth);
          pd_dossier_set_field (dossier, PD_FIELD_MOTHER_BIRTH_DATE, mother.birth);
        }
    }

  /* A spouse, of age, for about half of the adults. */
  if (age >= 22 && chance (rand, 0.6))
    {
      Person spouse;
      int spouse_age = age + (female ? g_rand_int_range (rand, 0, 8) : -g_rand_int_range (rand, 0, 6));

      random_birth (rand, today, MAX (spouse_age, 19), &date);
      make_person (rand, PICK_WEIGHTED (rand, surnames), !female, &date, "01", &spouse);
      pd_dossier_set_field (dossier, PD_FIELD_SPOUSE_NAME, spouse.name);
      if (chance (rand, 0.8))
        pd_dossier_set_field (dossier, PD_FIELD_SPOUSE_BIRTH_DATE, spouse.birth);
    }

  /* The legal representative of a child: usually a parent. */
  if (minor)
    {
      Person *rep = chance (rand, 0.55) ? &father : &mother;

      pd_dossier_set_field (dossier, PD_FIELD_REP_NAME, rep->name);
      pd_dossier_set_field (dossier, PD_FIELD_REP_BIRTH_DATE, rep->birth);
      pd_dossier_set_field (dossier, PD_FIELD_REP_SEX, rep->sex);
      pd_dossier_set_field (dossier, PD_FIELD_REP_ID_NUMBER, rep->id);
      pd_dossier_set_field (dossier, PD_FIELD_REP_RELATIONSHIP, rep == &father ? "Cha" : "Mẹ");
      pd_dossier_set_field (dossier, PD_FIELD_REP_ADDRESS,
                            pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_ADDRESS));
      make_phone (rand, phone);
      pd_dossier_set_field (dossier, PD_FIELD_REP_PHONE, phone);

      /* Chip ID cards were issued from 2021, never before the 14th birthday. */
      from = rep->birth_date;
      g_date_add_years (&from, 14);
      g_date_set_dmy (&date, 1, G_DATE_JANUARY, 2021);
      if (g_date_compare (&date, &from) > 0)
        from = date;
      if (g_date_compare (&from, today) <= 0)
        {
          random_date_between (rand, &from, today, &date);
          format_date (&date, buffer);
          pd_dossier_set_field (dossier, PD_FIELD_REP_ID_ISSUE_DATE, buffer);
        }
    }

  /* The request. */
  request = PICK_WEIGHTED (rand, request_types);
  pd_dossier_set_field (dossier, PD_FIELD_REQUEST_TYPE, request);
  if (!g_str_equal (request, "first_issue") && !g_str_equal (request, "other"))
    {
      g_snprintf (buffer, sizeof buffer, "%c%07d",
                  "BCNP"[g_rand_int_range (rand, 0, 4)], g_rand_int_range (rand, 0, 10000000));
      pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_NUMBER, buffer);

      /* Issued within the last ten years, after birth. */
      from = *today;
      g_date_subtract_years (&from, 10);
      if (g_date_compare (&from, &birth) < 0)
        from = birth;
      random_date_between (rand, &from, today, &date);
      format_date (&date, buffer);
      pd_dossier_set_field (dossier, PD_FIELD_PREV_PASSPORT_ISSUE_DATE, buffer);
    }
  if (g_str_equal (request, "reissue_lost"))
    pd_dossier_set_field (dossier, PD_FIELD_REQUEST_REASON, PICK (rand, lost_reasons));
  else if (g_str_equal (request, "other"))
    pd_dossier_set_field (dossier, PD_FIELD_REQUEST_REASON, PICK (rand, other_reasons));
  if (!g_str_equal (request, "other"))
    pd_dossier_set_field (dossier, PD_FIELD_CHIP, chance (rand, 0.85) ? "chip" : "no_chip");
  pd_dossier_set_field (dossier, PD_FIELD_DELIVERY, chance (rand, 0.7) ? "in_person" : "post");

  /* A refund account now and then, in the holder's name without diacritics. */
  if (age >= 18 && chance (rand, 0.15))
    {
      g_autofree char *folded = pd_text_fold (applicant.name);
      g_autofree char *holder = g_ascii_strup (folded, -1);

      g_snprintf (buffer, sizeof buffer, "%d%09d", g_rand_int_range (rand, 1, 10),
                  g_rand_int_range (rand, 0, 1000000000));
      pd_dossier_set_field (dossier, PD_FIELD_BANK_ACCOUNT_NUMBER, buffer);
      pd_dossier_set_field (dossier, PD_FIELD_BANK_ACCOUNT_HOLDER, holder);
      pd_dossier_set_field (dossier, PD_FIELD_BANK_NAME, PICK (rand, banks));
    }

  /* Intake: office PA08 (the immigration department) of the province where they live. */
  if (current != NULL)
    {
      g_snprintf (buffer, sizeof buffer, "PA08-%s", current->parent);
      pd_dossier_set_field (dossier, PD_FIELD_OFFICE_CODE, buffer);
    }
  g_snprintf (buffer, sizeof buffer, "%d", g_rand_int_range (rand, 1, 13));
  pd_dossier_set_field (dossier, PD_FIELD_COUNTER, buffer);
  g_snprintf (buffer, sizeof buffer, "cb%03d", g_rand_int_range (rand, 1, 60));
  pd_dossier_set_field (dossier, PD_FIELD_OFFICER, buffer);
  g_snprintf (buffer, sizeof buffer, "%c%03d", "ABC"[g_rand_int_range (rand, 0, 3)], g_rand_int_range (rand, 1, 1000));
  pd_dossier_set_field (dossier, PD_FIELD_QUEUE_NUMBER, buffer);

  fee = pd_reference_get_nth (reference, PD_REFERENCE_FEES, request, 0);
  if (fee != NULL)
    {
      pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, fee->code);
      g_snprintf (buffer, sizeof buffer, "%" G_GINT64_FORMAT, fee->amount);
      pd_dossier_set_field (dossier, PD_FIELD_FEE_AMOUNT, buffer);
    }

  /* Ready in 8 working days or so. */
  date = *today;
  g_date_add_days (&date, g_rand_int_range (rand, 8, 13));
  format_date (&date, buffer);
  pd_dossier_set_field (dossier, PD_FIELD_APPOINTMENT_DATE, buffer);

  /* Where the dossier is in its life, and when it was filed (office hours, last 60 days). */
  weight = 0;
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    weight += statuses[i].weight;
  roll = g_rand_int_range (rand, 0, weight);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      if ((guint) roll < statuses[i].weight)
        {
          pd_dossier_set_status (dossier, statuses[i].status);
          break;
        }
      roll -= statuses[i].weight;
    }
  if (pd_dossier_get_status (dossier) == PD_STATUS_REFUSED ||
      pd_dossier_get_status (dossier) == PD_STATUS_REJECTED)
    pd_dossier_set_status_reason (dossier, PICK (rand, refusal_reasons));

  {
    gint64 today_start = ((gint64) g_date_get_julian (today) - UNIX_EPOCH_JULIAN) * 86400 - VN_UTC_OFFSET;
    gint64 created = today_start - (gint64) g_rand_int_range (rand, 0, 60) * 86400 +
                     g_rand_int_range (rand, 7 * 3600 + 30 * 60, 17 * 3600);

    gint64 updated = created + g_rand_int_range (rand, 60, 3 * 86400);
    gint64 now_unix = g_date_time_to_unix (now);

    /* Office hours of today that have not come yet, and later work on a dossier, would date
     * it in the future: it was filed, or last touched, a little before now instead. */
    if (created > now_unix)
      created = now_unix - g_rand_int_range (rand, 60, 3600);
    pd_dossier_set_created_at (dossier, created);
    pd_dossier_set_updated_at (dossier, CLAMP (updated, created, now_unix));
  }

  return dossier;
}
