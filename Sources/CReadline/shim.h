#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <sys/ioctl.h>
#include <readline/readline.h>
#include <readline/history.h>

/*
 * Accessors for readline's C globals. Swift 6 strict concurrency refuses direct access to
 * mutable C globals, so every one Helpline touches goes through a small inline function here.
 * String values are literals with static storage: readline keeps the pointer.
 */

/** Names the program for `$if helpline` sections in ~/.inputrc. */
static inline void hl_set_readline_name(void) { rl_readline_name = "helpline"; }

/** Readline leaves signals alone and does not export LINES and COLUMNS; the application handles them. */
static inline void hl_disable_readline_signals(void) {
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
}

/** The whole line up to the cursor is the text to complete: option labels contain spaces. */
static inline void hl_complete_whole_line(void) { rl_completer_word_break_characters = ""; }

/** Sets a readline variable as ~/.inputrc would (`set NAME VALUE`). */
static inline void hl_bind_variable(const char *name, const char *value) { rl_variable_bind(name, value); }

/** Installs the function that offers completions (NULL restores readline's own). */
static inline void hl_set_attempted_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/** Tells readline not to fall back to file-name completion after the completion function ran. */
static inline void hl_set_attempted_completion_over(int over) { rl_attempted_completion_over = over; }

/** The character appended after a unique completion; 0 appends nothing. */
static inline void hl_set_completion_append_character(int character) {
    rl_completion_append_character = character;
}

/** Bounds the in-memory history to `limit` entries. */
static inline void hl_stifle_history(int limit) { stifle_history(limit); }

/** Entries in the in-memory history. */
static inline int hl_history_length(void) { return history_length; }

/** The text of the newest history entry, or NULL. */
static inline const char *hl_last_history_line(void) {
    if (history_length <= 0) return NULL;
    HIST_ENTRY *entry = history_get(history_base + history_length - 1);
    return entry ? entry->line : NULL;
}

/** Abandons the line being edited (after Ctrl-C): clears it and shows a fresh prompt. */
static inline void hl_abandon_line(void) {
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = 0;
    rl_end = 0;
    rl_mark = 0;
    fputs("^C", rl_outstream);
    rl_crlf();
    rl_on_new_line();
    rl_redisplay();
}

/** The terminal's width in columns, or 0 when `fd` is not a terminal. */
static inline int hl_terminal_columns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

/** Writes text to standard output through stdio (the stream readline writes to) and flushes it. */
static inline void hl_write_stdout(const char *text) {
    fputs(text, stdout);
    fflush(stdout);
}

/** Writes text to standard error and flushes it. */
static inline void hl_write_stderr(const char *text) {
    fputs(text, stderr);
    fflush(stderr);
}

/**
 * Prints `text` (whole lines, each ending in a newline) above the line being edited while the
 * callback interface is active: the prompt and the typed text are taken off the screen, the text
 * is written, and the prompt comes back with the same text and cursor. Nothing typed is lost.
 */
static inline void hl_print_above_line(const char *text) {
    int saved_point = rl_point;
    char *saved_line = rl_copy_text(0, rl_end);
    rl_save_prompt();
    rl_replace_line("", 0);
    rl_redisplay();
    fputs("\r\033[K", rl_outstream);
    fputs(text, rl_outstream);
    fflush(rl_outstream);
    rl_restore_prompt();
    rl_replace_line(saved_line ? saved_line : "", 0);
    rl_point = saved_point;
    rl_on_new_line();
    rl_redisplay();
    free(saved_line);
}

/** Whether text may be printed above the line now: not in the middle of a history search, whose
 *  own prompt readline keeps in the same single slot `rl_save_prompt` uses. */
static inline int hl_can_print_above_line(void) {
    return !RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH | RL_STATE_SEARCH);
}
