/*
 * A long-lived pocketsphinx recogniser for WASI: the model loads once, then each line on stdin names a file of
 * raw 16 kHz mono signed 16-bit little-endian samples. For each file it prints every utterance as
 * pocketsphinx_continuous -time yes does (the hypothesis, then "word start end confidence" lines, times in
 * seconds from the start of the file), then a line "%%END%%". A file that cannot be read prints
 * "%%ERROR%% <reason>" instead. Log output is off: the decoder's errors surface as these lines.
 */
#include <stdio.h>
#include <string.h>
#include <sphinxbase/err.h>
#include "pocketsphinx.h"

static ps_decoder_t *ps;
static int frame_rate;

static void print_utterance(long offset_frames)
{
    const char *hyp = ps_get_hyp(ps, NULL);
    ps_seg_t *seg;
    if (hyp == NULL || *hyp == '\0')
        return;
    printf("%s\n", hyp);
    for (seg = ps_seg_iter(ps); seg != NULL; seg = ps_seg_next(seg)) {
        int sf, ef;
        ps_seg_frames(seg, &sf, &ef);
        printf("%s %.3f %.3f %f\n", ps_seg_word(seg), (double)(offset_frames + sf) / frame_rate,
               (double)(offset_frames + ef) / frame_rate,
               logmath_exp(ps_get_logmath(ps), ps_seg_prob(seg, NULL, NULL, NULL)));
    }
}

static void recognise(const char *path, int samples_per_frame)
{
    int16 buf[2048];
    size_t k;
    long samples = 0, utt_start = 0;
    int in_utt = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("%%%%ERROR%%%% cannot open the audio file\n");
        return;
    }
    ps_start_utt(ps);
    while ((k = fread(buf, sizeof(int16), 2048, f)) > 0) {
        ps_process_raw(ps, buf, k, FALSE, FALSE);
        samples += (long)k;
        if (ps_get_in_speech(ps)) {
            in_utt = 1;
        } else if (in_utt) {
            ps_end_utt(ps);
            print_utterance(utt_start / samples_per_frame);
            utt_start = samples;
            ps_start_utt(ps);
            in_utt = 0;
        }
    }
    ps_end_utt(ps);
    if (in_utt)
        print_utterance(utt_start / samples_per_frame);
    fclose(f);
    printf("%%%%END%%%%\n");
}

int main(int argc, char *argv[])
{
    char line[4096];
    cmd_ln_t *config;
    err_set_logfp(NULL);
    config = cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
    if (config == NULL) {
        printf("%%%%ERROR%%%% invalid recogniser arguments\n");
        return 1;
    }
    ps_default_search_args(config);
    ps = ps_init(config);
    if (ps == NULL) {
        printf("%%%%ERROR%%%% the model could not be loaded\n");
        return 1;
    }
    frame_rate = cmd_ln_int32_r(config, "-frate");
    printf("%%%%READY%%%%\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
            continue;
        recognise(line, (int)cmd_ln_float32_r(config, "-samprate") / frame_rate);
        fflush(stdout);
    }
    ps_free(ps);
    cmd_ln_free_r(config);
    return 0;
}
