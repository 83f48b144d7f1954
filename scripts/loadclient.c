/*
 * An independent load client for Helpline's socket protocol, and the plain echo server it is
 * compared with. Plain C and POSIX (blocking sockets, a thread per connection), nothing of
 * Helpline's own code, so that its figures check `helpline bench`'s.
 *
 *   cc -O2 -pthread -o /tmp/loadclient scripts/loadclient.c
 *   /tmp/loadclient echo-server PATH                       # the yardstick: echoes every line
 *   /tmp/loadclient drive PATH [-c CONNECTIONS] [-k IN_FLIGHT] [-n TURNS] [-w WARMUP] [-s SEED] [--echo]
 *
 * `drive` opens CONNECTIONS connections, each with IN_FLIGHT customers whose requests are
 * pipelined on it (one outstanding request per customer). A customer opens a session with a
 * profile of three orders and then answers each reply by its `state`: a topic question or a menu
 * pick, an order pick or «без заказа», a message to the specialist, a new appeal. With --echo it
 * sends a `say` line of typical size to an echo server instead. It prints the latency
 * percentiles of the timed requests (after WARMUP untimed ones in all) and the requests per
 * second, in one line of `key=value` pairs.
 *
 * Replies are read as lines; the only fields looked at are `"session":"…"` and `"state":"…"`,
 * found by their text (this is a load tool, not a JSON reader: the daemon writes both as plain
 * strings).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *topic_questions[] = {
    "где мой заказ уже неделю жду",
    "курьер не приехал в назначенный день",
    "как вернуть товар который не подошёл",
    "деньги за возврат так и не пришли на карту",
    "не проходит оплата картой при оформлении",
    "списали деньги дважды за один заказ",
    "как закрыть карту озон",
    "пункт выдачи закрыт, где забрать посылку",
    "промокод не применяется к заказу",
    "товар сломался через месяц, что по гарантии",
    "не начислили баллы за отзыв",
    "хочу пожаловаться на продавца, прислали подделку",
    "не могу войти в аккаунт, не приходит код",
    "нужно поменять даты в бронировании отеля",
    "заблокировали магазин, что делать продавцу",
};
static const char *info_questions[] = {
    "какой номер телефона поддержки",
    "сколько ждать ответа специалиста",
    "как написать в чат поддержки",
};
static const char *specialist_messages[] = {
    "Заказ должны были привезти вчера, но курьер так и не приехал и не позвонил. Когда будет доставка?",
    "Товар пришёл с трещиной на корпусе, фото приложу. Хочу вернуть деньги, а не менять.",
    "Оплатил заказ, деньги списались, а заказ висит как неоплаченный уже второй день.",
    "В пункте выдачи сказали, что посылки нет, хотя в приложении написано, что она ждёт меня.",
};
static const char *menu_picks[] = {"1", "2", "3", "4", "5", "7"};
static const char *order_picks[] = {"1", "2", "3"};

static const char *open_line =
    "{\"op\":\"open\",\"user\":{\"id\":\"u-load\",\"name\":\"Анна\",\"orders\":["
    "{\"id\":\"12345678-0001\",\"title\":\"Электрический чайник\",\"status\":\"в пути\"},"
    "{\"id\":\"12345678-0002\",\"title\":\"Кроссовки беговые\",\"status\":\"доставлен\"},"
    "{\"id\":\"12345678-0003\",\"title\":\"Смартфон\",\"status\":\"в пункте выдачи\"}]}}\n";
static const char *echo_line =
    "{\"op\":\"say\",\"session\":\"0123456789abcdef01234567\",\"text\":\"курьер не приехал в назначенный день\"}\n";

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t next_random(uint64_t *state) { /* splitmix64 */
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}
#define PICK(array, random) ((array)[next_random(random) % (sizeof(array) / sizeof((array)[0]))])

static int connect_to(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (fd < 0 || strlen(path) >= sizeof(address.sun_path)) return -1;
    strcpy(address.sun_path, path);
    if (connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) { close(fd); return -1; }
    return fd;
}

static int write_all(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t written = write(fd, bytes, count);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return -1;
        bytes += written;
        count -= (size_t)written;
    }
    return 0;
}

/* Reads lines from a blocking socket through a buffer. */
struct reader { int fd; char buffer[1 << 16]; size_t start, end; };

static char *read_line(struct reader *r, size_t *length) {
    for (;;) {
        char *newline = memchr(r->buffer + r->start, '\n', r->end - r->start);
        if (newline) {
            char *line = r->buffer + r->start;
            *length = (size_t)(newline - line);
            r->start += *length + 1;
            return line;
        }
        if (r->start > 0) {
            memmove(r->buffer, r->buffer + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        }
        if (r->end == sizeof(r->buffer)) return NULL; /* a line longer than the buffer */
        ssize_t got = read(r->fd, r->buffer + r->end, sizeof(r->buffer) - r->end);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return NULL;
        r->end += (size_t)got;
    }
}

/* The text of `"key":"…"` in a reply line (no escapes in the values looked for). */
static int field(const char *line, size_t length, const char *key, char *out, size_t capacity) {
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":\"", key);
    const char *found = memmem(line, length, pattern, strlen(pattern));
    if (!found) return -1;
    found += strlen(pattern);
    const char *end = memchr(found, '"', (size_t)(line + length - found));
    if (!end || (size_t)(end - found) >= capacity) return -1;
    memcpy(out, found, (size_t)(end - found));
    out[end - found] = 0;
    return 0;
}

/* ---- the plain echo server ---- */

static void *echo_connection(void *argument) {
    struct reader *r = argument;
    size_t length;
    char *line;
    while ((line = read_line(r, &length)) != NULL) {
        line[length] = '\n';
        if (write_all(r->fd, line, length + 1) != 0) break;
    }
    close(r->fd);
    free(r);
    return NULL;
}

static int echo_server(const char *path) {
    signal(SIGPIPE, SIG_IGN);
    unlink(path);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (listener < 0 || strlen(path) >= sizeof(address.sun_path)) return 1;
    strcpy(address.sun_path, path);
    if (bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(listener, 512) != 0) {
        perror("echo-server");
        return 1;
    }
    fprintf(stderr, "ready\n");
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) { if (errno == EINTR) continue; perror("accept"); return 1; }
        struct reader *r = calloc(1, sizeof(*r));
        r->fd = fd;
        pthread_t thread;
        pthread_create(&thread, NULL, echo_connection, r);
        pthread_detach(thread);
    }
}

/* ---- the driver ---- */

struct customer { char session[64]; char state[32]; uint64_t random; };

struct connection {
    const char *path;
    int in_flight, echo, failed;
    long turns;              /* requests this connection sends in all */
    long warmup;             /* of which the first ones are not timed */
    uint64_t *latencies;     /* ns, of the timed requests */
    long timed;
    uint64_t seed;
};

static atomic_long warm_left;

static size_t next_request(struct connection *c, struct customer *customer, char *out, size_t capacity) {
    if (c->echo) return (size_t)snprintf(out, capacity, "%s", echo_line);
    if (customer->session[0] == 0) return (size_t)snprintf(out, capacity, "%s", open_line);
    const char *text;
    uint64_t roll = next_random(&customer->random) % 100;
    if (strcmp(customer->state, "choose_order") == 0) {
        text = roll < 80 ? PICK(order_picks, &customer->random) : roll < 95 ? "без заказа" : PICK(info_questions, &customer->random);
    } else if (strcmp(customer->state, "write") == 0) {
        text = PICK(specialist_messages, &customer->random);
    } else if (strcmp(customer->state, "submitted") == 0) {
        text = roll < 50 ? "новое обращение" : roll < 80 ? PICK(specialist_messages, &customer->random) : PICK(info_questions, &customer->random);
    } else {
        text = roll < 45 ? PICK(topic_questions, &customer->random) : roll < 60 ? PICK(info_questions, &customer->random) : PICK(menu_picks, &customer->random);
    }
    return (size_t)snprintf(out, capacity, "{\"op\":\"say\",\"session\":\"%s\",\"text\":\"%s\"}\n", customer->session, text);
}

static void *drive_connection(void *argument) {
    struct connection *c = argument;
    struct reader *r = calloc(1, sizeof(*r));
    r->fd = connect_to(c->path);
    if (r->fd < 0) { c->failed = 1; free(r); return NULL; }
    struct customer *customers = calloc((size_t)c->in_flight, sizeof(*customers));
    uint64_t *sent_at = calloc((size_t)c->in_flight, sizeof(*sent_at));
    char request[2048];
    long sent = 0, answered = 0;
    /* Answers come in request order; customers take turns in a fixed round, so the answer read is
       always for customer `answered % in_flight`. */
    for (int i = 0; i < c->in_flight && sent < c->turns; i++, sent++) {
        customers[i].random = c->seed + (uint64_t)i * 7919u;
        size_t length = next_request(c, &customers[i], request, sizeof(request));
        sent_at[i] = now_ns();
        if (write_all(r->fd, request, length) != 0) { c->failed = 1; goto done; }
    }
    while (answered < sent) {
        size_t length;
        char *line = read_line(r, &length);
        if (!line) { c->failed = 1; break; }
        uint64_t received = now_ns();
        int slot = (int)(answered % c->in_flight);
        struct customer *customer = &customers[slot];
        if (!c->echo) {
            if (memmem(line, length, "\"ok\":true", 9) != NULL) {
                if (customer->session[0] == 0) field(line, length, "session", customer->session, sizeof(customer->session));
                field(line, length, "state", customer->state, sizeof(customer->state));
            } else if (memmem(line, length, "too_many_appeals", 16) != NULL) {
                /* The session has filed all the appeals one session may: the customer opens a new chat. */
                customer->session[0] = 0;
                customer->state[0] = 0;
            } else {
                c->failed = 1;
                break;
            }
        }
        if (atomic_fetch_sub(&warm_left, 1) <= 0 && c->timed < c->turns) {
            c->latencies[c->timed++] = received - sent_at[slot];
        }
        answered++;
        if (sent < c->turns) {
            size_t request_length = next_request(c, customer, request, sizeof(request));
            sent_at[slot] = now_ns();
            if (write_all(r->fd, request, request_length) != 0) { c->failed = 1; break; }
            sent++;
        }
    }
done:
    close(r->fd);
    free(r);
    free(customers);
    free(sent_at);
    return NULL;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int drive(int argc, char **argv) {
    const char *path = argv[0];
    int connections = 1, in_flight = 1, echo = 0;
    long turns = 20000, warmup = -1;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--echo") == 0) echo = 1;
        else if (i + 1 < argc && strcmp(argv[i], "-c") == 0) connections = atoi(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "-k") == 0) in_flight = atoi(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "-n") == 0) turns = atol(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "-w") == 0) warmup = atol(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "-s") == 0) seed = strtoull(argv[++i], NULL, 10);
        else { fprintf(stderr, "unknown argument %s\n", argv[i]); return 2; }
    }
    if (connections < 1 || in_flight < 1 || turns < 1) { fprintf(stderr, "counts must be positive\n"); return 2; }
    if (warmup < 0) warmup = turns / 10 < 100 ? 100 : turns / 10;
    signal(SIGPIPE, SIG_IGN);
    atomic_store(&warm_left, warmup);
    struct connection *all = calloc((size_t)connections, sizeof(*all));
    pthread_t *threads = calloc((size_t)connections, sizeof(*threads));
    long share = (turns + warmup + connections - 1) / connections;
    for (int i = 0; i < connections; i++) {
        all[i] = (struct connection){.path = path, .in_flight = in_flight, .echo = echo, .turns = share,
                                     .latencies = calloc((size_t)share, sizeof(uint64_t)), .seed = seed * 1000003u + (uint64_t)i};
    }
    uint64_t started = now_ns();
    for (int i = 0; i < connections; i++) pthread_create(&threads[i], NULL, drive_connection, &all[i]);
    for (int i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    uint64_t elapsed = now_ns() - started;
    long timed = 0, failed = 0;
    for (int i = 0; i < connections; i++) { timed += all[i].timed; failed += all[i].failed; }
    if (failed) { fprintf(stderr, "%ld connections failed (a request was refused or the connection ended)\n", failed); return 1; }
    uint64_t *latencies = calloc((size_t)timed, sizeof(uint64_t));
    long k = 0;
    for (int i = 0; i < connections; i++) {
        memcpy(latencies + k, all[i].latencies, (size_t)all[i].timed * sizeof(uint64_t));
        k += all[i].timed;
    }
    qsort(latencies, (size_t)timed, sizeof(uint64_t), compare_u64);
#define PERCENTILE(p) (latencies[(size_t)((double)(timed - 1) * (p))] / 1000.0)
    /* Requests per second over the whole run (warm-up included: the pipeline never drains). */
    double per_second = (double)(share * connections) / ((double)elapsed / 1e9);
    printf("requests=%ld connections=%d in_flight=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f per_second=%.0f\n",
           timed, connections, in_flight, PERCENTILE(0.50), PERCENTILE(0.90), PERCENTILE(0.99), per_second);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "echo-server") == 0) return echo_server(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "drive") == 0) return drive(argc - 2, argv + 2);
    fprintf(stderr, "usage: %s echo-server PATH | drive PATH [-c N] [-k K] [-n TURNS] [-w WARMUP] [-s SEED] [--echo]\n", argv[0]);
    return 2;
}
