/* recurrent.c — SimpleRNN (tanh), LSTM and GRU over a sequence T × F, with
 * backpropagation through time.
 *
 * The cells are PyTorch's, so its weights give its numbers to float
 * rounding: weight_ih [G·H, F], weight_hh [G·H, H], bias_ih [G·H], bias_hh
 * [G·H], the gates stacked in PyTorch's order (LSTM i, f, g, o; GRU r, z, n)
 * and
 *   SimpleRNN  h = tanh(W_ih x + b_ih + W_hh h + b_hh)
 *   LSTM       c = f ⊙ c + i ⊙ g,  h = o ⊙ tanh(c)
 *   GRU        n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
 *              h = (1 − z) ⊙ n + z ⊙ h
 * with h and c starting at zero. The output is the last h (a vector of
 * `units`) or, with return_sequences, every h (T × units), which is what a
 * second recurrent layer stacked on this one needs.
 *
 * GRU's reset_after off is the original cell of Cho et al. (2014), ONNX's
 * default linear_before_reset = 0 and Keras' reset_after=False, which
 * PyTorch does not offer: the same tensors, but the reset gate acts on the
 * state before the product, n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn),
 * so each step needs r before it can multiply by W_hn: two GEMMs a step.
 *
 * The input projection of all N·T steps is one GEMM; each step then adds
 * h_{t−1} · W_hhᵀ with one GEMM over a band of the batch. Samples never
 * meet, so each thread takes its band through the whole sequence and the
 * threads wait for each other once per pass, not at every step. Row n·T + t
 * of every per-step buffer belongs to sample n at step t, so the step GEMMs
 * address their rows with a stride of T rows and the weight gradients are
 * again one GEMM over all steps. Scratch keeps what backward needs: the gate
 * activations, every h and h_{t−1}, LSTM's c and tanh(c), GRU's W_hn h + b_hn
 * (the classic cell's r ⊙ h_{t−1}), and the gate gradients. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "kernels/gemm.h"
#include "kernels/threads.h"
#include "layer-util.h"
#include "layers.h"

enum
{
  P_UNITS,
  P_RETURN_SEQUENCES,
  P_RESET_AFTER /* GRU only */
};

typedef enum
{
  CELL_RNN,
  CELL_LSTM,
  CELL_GRU
} cell_kind;

static const nn_param_spec recurrent_params[] = {
  [P_UNITS] = { "units", N_ ("Units"), N_ ("Size of the state carried from step to step"),
                NN_PARAM_INT, 1, 1 << 14, 64 },
  [P_RETURN_SEQUENCES] = { "return_sequences", N_ ("Return sequences"),
                           N_ ("Output the state after every step (to stack another recurrent "
                               "layer) instead of only the last one"),
                           NN_PARAM_BOOL, 0, 1, 0 },
};

/* A parameter of its own, not a fourth kind of layer: the classic GRU has
 * the same weights, so a model can switch and imports map onto one layer. */
static const nn_param_spec gru_params[] = {
  [P_UNITS] = { "units", N_ ("Units"), N_ ("Size of the state carried from step to step"),
                NN_PARAM_INT, 1, 1 << 14, 64 },
  [P_RETURN_SEQUENCES] = { "return_sequences", N_ ("Return sequences"),
                           N_ ("Output the state after every step (to stack another recurrent "
                               "layer) instead of only the last one"),
                           NN_PARAM_BOOL, 0, 1, 0 },
  [P_RESET_AFTER] = { "reset_after", N_ ("Reset after product"),
                      N_ ("On: PyTorch's GRU, the reset gate scales the state after it is "
                          "multiplied by its weights. Off: the original GRU (ONNX's default), "
                          "the reset gate scales the state before"),
                      NN_PARAM_BOOL, 0, 1, 1, .advanced = TRUE },
};

typedef struct
{
  cell_kind kind;
  int T, F, H, G, GH;
  gboolean seq;
  gboolean classic; /* GRU with the reset before the product */
} geom;

static void
geom_of (const nn_layer_desc *d, const nn_shape *in, geom *g)
{
  g->kind = d->ops == &nn_lstm_ops ? CELL_LSTM : d->ops == &nn_gru_ops ? CELL_GRU : CELL_RNN;
  g->G = g->kind == CELL_LSTM ? 4 : g->kind == CELL_GRU ? 3 : 1;
  g->T = in->dim[0];
  g->F = in->dim[1];
  g->H = nn_param_int (d, P_UNITS);
  g->GH = g->G * g->H;
  g->seq = nn_param_bool (d, P_RETURN_SEQUENCES);
  g->classic = g->kind == CELL_GRU && !nn_param_bool (d, P_RESET_AFTER);
}

/* Scratch, each buffer NT = N·T rows unless said otherwise. */
typedef struct
{
  float *gates; /* NT × GH: pre-activations, then activations */
  float *hs;    /* NT × H: h_t */
  float *hprev; /* NT × H: h_{t−1} (zero at t = 0), for dW_hh */
  float *cs;    /* LSTM, NT × H: c_t */
  float *tc;    /* LSTM, NT × H: tanh(c_t) */
  float *hn;    /* GRU, NT × H: W_hn h_{t−1} + b_hn; classic: r ⊙ h_{t−1} */
  float *dg;    /* NT × GH: gradient of the input-side pre-activations */
  float *dgh;   /* GRU, NT × GH: of the recurrent-side ones (n differs; not classic) */
  float *dh;    /* N × H: gradient reaching h_t from step t + 1 */
  float *dc;    /* LSTM, N × H: likewise for c_t */
  float *step;  /* GRU, N × GH: h_{t−1} · W_hhᵀ (classic backward: d(r ⊙ h)) */
} bufs;

/* Lays the buffers out from base (NULL: only counts) and returns floats. */
static gsize
layout (const geom *g, int batch, float *base, bufs *b)
{
  const gsize nt = (gsize) batch * g->T, lstm = g->kind == CELL_LSTM, gru = g->kind == CELL_GRU;
  const gsize split = gru && !g->classic;
  const gsize sizes[] = {
    nt * g->GH,           nt * g->H,           nt * g->H,           lstm * nt * g->H,
    lstm * nt * g->H,     gru * nt * g->H,     nt * g->GH,          split * nt * g->GH,
    (gsize) batch * g->H, lstm * batch * g->H, gru * batch * g->GH,
  };
  float **slots[] = { &b->gates, &b->hs,  &b->hprev, &b->cs, &b->tc,  &b->hn,
                      &b->dg,    &b->dgh, &b->dh,    &b->dc, &b->step };
  gsize off = 0;

  G_STATIC_ASSERT (G_N_ELEMENTS (sizes) == G_N_ELEMENTS (slots));
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      if (base != NULL)
        *slots[i] = sizes[i] ? base + off : NULL;
      /* 16-float steps keep every buffer 64-byte aligned for the BLAS */
      off += (sizes[i] + 15) / 16 * 16;
    }
  return off;
}

static gboolean
recurrent_infer (const nn_layer_desc *d, const nn_shape *in, int n_in, nn_shape *out,
                 GError **error)
{
  const int units = nn_param_int (d, P_UNITS);

  if (in[0].rank != 2)
    {
      g_autofree char *got = nn_describe_shape (&in[0]);
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
                   _ ("needs a sequence (steps × features), got %s — put an Embedding before it "
                      "for token ids, or a Reshape"),
                   got);
      return FALSE;
    }
  *out =
    nn_param_bool (d, P_RETURN_SEQUENCES) ? nn_shape_2d (in[0].dim[0], units) : nn_shape_1d (units);
  return TRUE;
}

static int
recurrent_weights (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out,
                   nn_weight_info *info)
{
  geom g;

  geom_of (d, in, &g);
  info[0] = (nn_weight_info){ "weight_ih", nn_shape_2d (g.GH, g.F), TRUE };
  info[1] = (nn_weight_info){ "weight_hh", nn_shape_2d (g.GH, g.H), TRUE };
  info[2] = (nn_weight_info){ "bias_ih", nn_shape_1d (g.GH), FALSE };
  info[3] = (nn_weight_info){ "bias_hh", nn_shape_1d (g.GH), FALSE };
  return 4;
}

static gsize
recurrent_scratch_size (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out,
                        int batch)
{
  geom g;
  bufs b;

  geom_of (d, in, &g);
  return layout (&g, batch, NULL, &b);
}

/* PyTorch's U(−1/√H, 1/√H) for every tensor, whatever initialiser the
 * graph picked: Glorot's and He's bounds are meant for one matrix product
 * feeding an activation, not for a state fed back through itself T times,
 * and this is the start PyTorch's results were obtained from. */
static void
recurrent_init (const nn_layer_desc *d, const nn_shape *in, const nn_shape *out, nn_init_kind init,
                float *w, float *state, nn_rng *rng)
{
  geom g;
  gsize n;
  float bound;

  geom_of (d, in, &g);
  n = (gsize) g.GH * (g.F + g.H + 2);
  bound = 1.0f / sqrtf ((float) g.H);
  for (gsize i = 0; i < n; i++)
    w[i] = bound * (2.0f * nn_rng_uniform (rng) - 1.0f);
}

/* The gates' sigmoid and tanh, four values at a time. libm's expf and
 * tanhf are exact to the last bit but cannot be vectorised, and they took
 * more time than the GEMMs. Cephes' polynomial for eˣ is within 1e-7 relative;
 * tanh(x) = 2σ(2x) − 1 is then within 2e-7 absolute. The argument is
 * clamped to ±80, where eˣ is still a normal float: denormals would slow
 * every later operation on them. */
typedef float v4f __attribute__ ((vector_size (16)));
typedef gint32 v4i __attribute__ ((vector_size (16)));

static inline v4f
exp4 (v4f x)
{
  const v4f lo = { -80.0f, -80.0f, -80.0f, -80.0f }, hi = { 80.0f, 80.0f, 80.0f, 80.0f };
  const v4i below = x<lo, above = x> hi;
  v4f n, r, p;

  x = (v4f) (((v4i) x & ~below) | ((v4i) lo & below));
  x = (v4f) (((v4i) x & ~above) | ((v4i) hi & above));
  /* n = round(x / ln 2) by the 1.5·2²³ trick, then eˣ = 2ⁿ · e^r */
  n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  r = x - n * 0.693359375f - n * -2.12194440e-4f;
  p = r * 1.9875691500e-4f + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * (v4f) ((__builtin_convertvector(n, v4i) + 127) << 23);
}

static inline v4f
sigmoid4 (v4f x)
{
  return 1.0f / (1.0f + exp4 (-x));
}

static inline v4f
tanh4 (v4f x)
{
  return 2.0f / (1.0f + exp4 (-2.0f * x)) - 1.0f;
}

/* y = f(x) for n values (y may be x), the tail through a zero-padded vector. */
#define DEFINE_VECTOR_MAP(name, f)                    \
  static void name (float *y, const float *x, int n)  \
  {                                                   \
    v4f v = { 0 };                                    \
    int i = 0;                                        \
                                                      \
    for (; i + 4 <= n; i += 4)                        \
      {                                               \
        memcpy (&v, x + i, sizeof v);                 \
        v = f (v);                                    \
        memcpy (y + i, &v, sizeof v);                 \
      }                                               \
    if (i < n)                                        \
      {                                               \
        memcpy (&v, x + i, sizeof (float) * (n - i)); \
        v = f (v);                                    \
        memcpy (y + i, &v, sizeof (float) * (n - i)); \
      }                                               \
  }

DEFINE_VECTOR_MAP (sigmoid_map, sigmoid4)
DEFINE_VECTOR_MAP (tanh_map, tanh4)

/* Multiply-adds that the activations and the cell update of one gate value
 * cost, in sequence_threads' estimate of the work. */
#define GATE_COST 8

/* One step of one sample, after the step's GEMM: the gate activations,
 * the new state, and what backward needs of them. */
static void
cell_forward (const geom *g, const bufs *b, const float *bhh, int n, int t)
{
  const int H = g->H, T = g->T, GH = g->GH;
  const gsize row = (gsize) n * T + t;
  float *gr = b->gates + row * GH, *h = b->hs + row * H, *hp = b->hprev + row * H;

  if (t == 0)
    memset (hp, 0, sizeof (float) * H);
  else
    memcpy (hp, h - H, sizeof (float) * H);

  switch (g->kind)
    {
      case CELL_RNN:
        tanh_map (gr, gr, H);
        memcpy (h, gr, sizeof (float) * H);
        break;
      case CELL_LSTM:
        {
          float *cs = b->cs + row * H, *tc = b->tc + row * H;
          const float *cp = t > 0 ? cs - H : NULL;
          sigmoid_map (gr, gr, 2 * H);
          tanh_map (gr + 2 * H, gr + 2 * H, H);
          sigmoid_map (gr + 3 * H, gr + 3 * H, H);
          for (int j = 0; j < H; j++)
            cs[j] = gr[j] * gr[2 * H + j];
          if (cp != NULL)
            for (int j = 0; j < H; j++)
              cs[j] += gr[H + j] * cp[j];
          tanh_map (tc, cs, H);
          for (int j = 0; j < H; j++)
            h[j] = gr[3 * H + j] * tc[j];
        }
        break;
      case CELL_GRU:
        {
          const float *s = b->step + (gsize) n * GH;
          float *hn = b->hn + row * H;
          for (int j = 0; j < 2 * H; j++)
            gr[j] += s[j];
          sigmoid_map (gr, gr, 2 * H);
          for (int j = 0; j < H; j++)
            {
              hn[j] = s[2 * H + j] + bhh[2 * H + j];
              gr[2 * H + j] += gr[j] * hn[j];
            }
          tanh_map (gr + 2 * H, gr + 2 * H, H);
          for (int j = 0; j < H; j++)
            h[j] = (1.0f - gr[H + j]) * gr[2 * H + j] + gr[H + j] * hp[j];
        }
        break;
    }
}

/* The classic GRU's step comes in two halves around the product
 * W_hn (r ⊙ h_{t−1}): first r and z from h_{t−1} · W_hrzᵀ in step[0, 2H),
 * and r ⊙ h_{t−1}; then n from that product in step[2H, 3H), and h. */
static void
classic_gates (const geom *g, const bufs *b, int n, int t)
{
  const int H = g->H, T = g->T, GH = g->GH;
  const gsize row = (gsize) n * T + t;
  const float *s = b->step + (gsize) n * GH;
  float *gr = b->gates + row * GH, *hp = b->hprev + row * H, *rh = b->hn + row * H;

  if (t == 0)
    memset (hp, 0, sizeof (float) * H);
  else
    memcpy (hp, b->hs + (row - 1) * H, sizeof (float) * H);
  for (int j = 0; j < 2 * H; j++)
    gr[j] += s[j];
  sigmoid_map (gr, gr, 2 * H);
  for (int j = 0; j < H; j++)
    rh[j] = gr[j] * hp[j];
}

static void
classic_state (const geom *g, const bufs *b, int n, int t)
{
  const int H = g->H, T = g->T, GH = g->GH;
  const gsize row = (gsize) n * T + t;
  const float *s = b->step + (gsize) n * GH, *hp = b->hprev + row * H;
  float *gr = b->gates + row * GH, *h = b->hs + row * H;

  for (int j = 0; j < H; j++)
    gr[2 * H + j] += s[2 * H + j];
  tanh_map (gr + 2 * H, gr + 2 * H, H);
  for (int j = 0; j < H; j++)
    h[j] = (1.0f - gr[H + j]) * gr[2 * H + j] + gr[H + j] * hp[j];
}

static void
classic_forward_rows (const geom *g, const bufs *b, const float *whh, int n0, int n1)
{
  const int H = g->H, T = g->T, GH = g->GH, m = n1 - n0;
  float *step = b->step + (gsize) n0 * GH;

  for (int t = 0; t < T; t++)
    {
      const gsize row = (gsize) n0 * T + t;

      if (t > 0)
        nn_gemm (FALSE, TRUE, m, 2 * H, H, 1.0f, b->hs + (row - 1) * H, T * H, whh, H, 0.0f, step,
                 GH);
      else
        memset (step, 0, sizeof (float) * (gsize) m * GH);
      for (int n = n0; n < n1; n++)
        classic_gates (g, b, n, t);
      if (t > 0)
        nn_gemm (FALSE, TRUE, m, H, H, 1.0f, b->hn + row * H, T * H, whh + (gsize) 2 * H * H, H,
                 0.0f, step + 2 * H, GH);
      for (int n = n0; n < n1; n++)
        classic_state (g, b, n, t);
    }
}

/* The samples n0 … n1 − 1 through every step. The rows of different
 * samples never meet, so a thread can take a band of the batch through the
 * whole sequence without waiting for the others at every step. */
static void
forward_rows (const geom *g, const bufs *b, const float *whh, const float *bhh, int n0, int n1)
{
  const int H = g->H, T = g->T, GH = g->GH, m = n1 - n0;

  if (g->classic)
    {
      classic_forward_rows (g, b, whh, n0, n1);
      return;
    }
  for (int t = 0; t < T; t++)
    {
      if (t > 0 && g->kind == CELL_GRU)
        nn_gemm (FALSE, TRUE, m, GH, H, 1.0f, b->hs + ((gsize) n0 * T + t - 1) * H, T * H, whh, H,
                 0.0f, b->step + (gsize) n0 * GH, GH);
      else if (t > 0)
        nn_gemm (FALSE, TRUE, m, GH, H, 1.0f, b->hs + ((gsize) n0 * T + t - 1) * H, T * H, whh, H,
                 1.0f, b->gates + ((gsize) n0 * T + t) * GH, T * GH);
      else if (g->kind == CELL_GRU)
        memset (b->step + (gsize) n0 * GH, 0, sizeof (float) * (gsize) m * GH);
      for (int n = n0; n < n1; n++)
        cell_forward (g, b, bhh, n, t);
    }
}

/* One step of one sample in reverse: the gate gradients dG (and GRU's
 * recurrent-side dGh) from the gradient reaching h_t. */
static void
cell_backward (const geom *g, const bufs *b, const float *d_out, int n, int t)
{
  const int H = g->H, T = g->T, GH = g->GH;
  const gsize row = (gsize) n * T + t;
  const float *gr = b->gates + row * GH, *h = b->hs + row * H, *hp = b->hprev + row * H;
  const float *dout = NULL;
  float *dg = b->dg + row * GH, *dh = b->dh + (gsize) n * H;

  if (g->seq)
    dout = d_out + row * H;
  else if (t == T - 1)
    dout = d_out + (gsize) n * H;

  switch (g->kind)
    {
      case CELL_RNN:
        for (int j = 0; j < H; j++)
          {
            const float dht = dh[j] + (dout ? dout[j] : 0.0f);
            dg[j] = dht * (1.0f - h[j] * h[j]);
          }
        break;
      case CELL_LSTM:
        {
          const float *tc = b->tc + row * H, *cp = t > 0 ? b->cs + (row - 1) * H : NULL;
          float *dc = b->dc + (gsize) n * H;
          for (int j = 0; j < H; j++)
            {
              const float dht = dh[j] + (dout ? dout[j] : 0.0f);
              const float i = gr[j], f = gr[H + j], gg = gr[2 * H + j], o = gr[3 * H + j];
              const float dcv = dc[j] + dht * o * (1.0f - tc[j] * tc[j]);
              dg[j] = dcv * gg * i * (1.0f - i);
              dg[H + j] = cp ? dcv * cp[j] * f * (1.0f - f) : 0.0f;
              dg[2 * H + j] = dcv * i * (1.0f - gg * gg);
              dg[3 * H + j] = dht * tc[j] * o * (1.0f - o);
              dc[j] = dcv * f;
            }
        }
        break;
      case CELL_GRU:
        {
          const float *hn = b->hn + row * H;
          float *dr = b->dgh + row * GH;
          for (int j = 0; j < H; j++)
            {
              const float dht = dh[j] + (dout ? dout[j] : 0.0f);
              const float r = gr[j], z = gr[H + j], nv = gr[2 * H + j];
              const float dnp = dht * (1.0f - z) * (1.0f - nv * nv);
              const float drp = dnp * hn[j] * r * (1.0f - r);
              const float dzp = dht * (hp[j] - nv) * z * (1.0f - z);
              dg[j] = dr[j] = drp;
              dg[H + j] = dr[H + j] = dzp;
              dg[2 * H + j] = dnp;
              dr[2 * H + j] = dnp * r;
              /* the part of dh_{t−1} that skips W_hh */
              dh[j] = dht * z;
            }
        }
        break;
    }
}

/* The classic GRU's step in reverse, in the two halves of its forward:
 * first n's gradient (dht kept in dh), which d(r ⊙ h_{t−1}) = dn · W_hn
 * needs; then r's and z's, and the part of dh_{t−1} that skips W_hrz. */
static void
classic_backward_n (const geom *g, const bufs *b, const float *d_out, int n, int t)
{
  const int H = g->H, T = g->T, GH = g->GH;
  const gsize row = (gsize) n * T + t;
  const float *gr = b->gates + row * GH, *dout = NULL;
  float *dg = b->dg + row * GH, *dh = b->dh + (gsize) n * H;

  if (g->seq)
    dout = d_out + row * H;
  else if (t == T - 1)
    dout = d_out + (gsize) n * H;
  for (int j = 0; j < H; j++)
    {
      const float nv = gr[2 * H + j];
      dh[j] += dout ? dout[j] : 0.0f;
      dg[2 * H + j] = dh[j] * (1.0f - gr[H + j]) * (1.0f - nv * nv);
    }
}

static void
classic_backward_rz (const geom *g, const bufs *b, int n, int t)
{
  const int H = g->H, T = g->T, GH = g->GH;
  const gsize row = (gsize) n * T + t;
  const float *gr = b->gates + row * GH, *hp = b->hprev + row * H;
  const float *drh = b->step + (gsize) n * GH;
  float *dg = b->dg + row * GH, *dh = b->dh + (gsize) n * H;

  for (int j = 0; j < H; j++)
    {
      const float dht = dh[j], r = gr[j], z = gr[H + j];
      dg[j] = drh[j] * hp[j] * r * (1.0f - r);
      dg[H + j] = dht * (hp[j] - gr[2 * H + j]) * z * (1.0f - z);
      dh[j] = dht * z + drh[j] * r;
    }
}

static void
classic_backward_rows (const geom *g, const bufs *b, const float *d_out, const float *whh, int n0,
                       int n1)
{
  const int H = g->H, T = g->T, GH = g->GH, m = n1 - n0;

  for (int t = T - 1; t >= 0; t--)
    {
      const gsize row = (gsize) n0 * T + t;

      for (int n = n0; n < n1; n++)
        classic_backward_n (g, b, d_out, n, t);
      nn_gemm (FALSE, FALSE, m, H, H, 1.0f, b->dg + row * GH + 2 * H, T * GH,
               whh + (gsize) 2 * H * H, H, 0.0f, b->step + (gsize) n0 * GH, GH);
      for (int n = n0; n < n1; n++)
        classic_backward_rz (g, b, n, t);
      /* dh_{t−1} += d[r z] · W_hrz */
      if (t > 0)
        nn_gemm (FALSE, FALSE, m, H, 2 * H, 1.0f, b->dg + row * GH, T * GH, whh, H, 1.0f,
                 b->dh + (gsize) n0 * H, H);
    }
}

static void
backward_rows (const geom *g, const bufs *b, const float *d_out, const float *whh, int n0, int n1)
{
  const int H = g->H, T = g->T, GH = g->GH, m = n1 - n0;
  /* only GRU's recurrent side differs from its input side */
  const float *dgh = g->kind == CELL_GRU ? b->dgh : b->dg;

  if (g->classic)
    {
      classic_backward_rows (g, b, d_out, whh, n0, n1);
      return;
    }
  for (int t = T - 1; t >= 0; t--)
    {
      for (int n = n0; n < n1; n++)
        cell_backward (g, b, d_out, n, t);
      /* dh_{t−1} = dG_t · W_hh (GRU adds to its direct part) */
      if (t > 0)
        nn_gemm (FALSE, FALSE, m, H, GH, 1.0f, dgh + ((gsize) n0 * T + t) * GH, T * GH, whh, H,
                 g->kind == CELL_GRU ? 1.0f : 0.0f, b->dh + (gsize) n0 * H, H);
    }
}

/* Threads for the sequence loops: one band of the batch each, when the
 * work is worth waking them for. */
static int
sequence_threads (const geom *g, int batch)
{
  const double work = (double) batch * g->T * g->GH * (g->H + GATE_COST);

  return work > NN_PARALLEL_MIN ? MAX (MIN (nn_threads_get (), batch), 1) : 1;
}

static void
recurrent_forward (nn_layer_ctx *c)
{
  geom g;
  bufs b;
  const int N = c->batch;
  const float *x = c->in[0], *wih = c->w, *whh, *bih, *bhh;
  float *gates;
  int threads;

  geom_of (c->desc, &c->in_shape[0], &g);
  layout (&g, N, c->scratch, &b);
  whh = wih + (gsize) g.GH * g.F;
  bih = whh + (gsize) g.GH * g.H;
  bhh = bih + g.GH;
  gates = b.gates;

  /* Both biases go into the input projection, except GRU's b_hn, which r
   * scales (but for the classic cell, where r scales only h). */
  for (int j = 0; j < g.GH; j++)
    gates[j] = bih[j] + (g.kind == CELL_GRU && !g.classic && j >= 2 * g.H ? 0.0f : bhh[j]);
  for (gsize r = 1; r < (gsize) N * g.T; r++)
    memcpy (gates + r * g.GH, gates, sizeof (float) * g.GH);
  nn_gemm (FALSE, TRUE, N * g.T, g.GH, g.F, 1.0f, x, g.F, wih, g.F, 1.0f, gates, g.GH);

  threads = sequence_threads (&g, N);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
  for (int k = 0; k < threads; k++)
    forward_rows (&g, &b, whh, bhh, N * k / threads, N * (k + 1) / threads);

  if (g.seq)
    memcpy (c->out, b.hs, sizeof (float) * (gsize) N * g.T * g.H);
  else
    for (int n = 0; n < N; n++)
      memcpy (c->out + (gsize) n * g.H, b.hs + ((gsize) n * g.T + g.T - 1) * g.H,
              sizeof (float) * g.H);
}

static void
recurrent_backward (nn_layer_ctx *c)
{
  geom g;
  bufs b;
  const int N = c->batch;
  const float *x = c->in[0], *wih = c->w, *whh;
  float *dwih = c->dw, *dwhh, *dbih, *dbhh, *dgh;
  int H, T, GH, threads;

  geom_of (c->desc, &c->in_shape[0], &g);
  layout (&g, N, c->scratch, &b);
  H = g.H, T = g.T, GH = g.GH;
  whh = wih + (gsize) GH * g.F;
  dwhh = dwih + (gsize) GH * g.F;
  dbih = dwhh + (gsize) GH * H;
  dbhh = dbih + GH;
  /* Only GRU's recurrent side differs from its input side (the classic
   * one's differs only in what W_hn multiplied). */
  dgh = g.kind == CELL_GRU && !g.classic ? b.dgh : b.dg;

  memset (b.dh, 0, sizeof (float) * (gsize) N * H);
  if (b.dc)
    memset (b.dc, 0, sizeof (float) * (gsize) N * H);

  threads = sequence_threads (&g, N);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
  for (int k = 0; k < threads; k++)
    backward_rows (&g, &b, c->d_out, whh, N * k / threads, N * (k + 1) / threads);

  /* dW_ih = dGᵀ · X and dW_hh = dGhᵀ · H_{t−1} over all N·T steps */
  nn_gemm (TRUE, FALSE, GH, g.F, N * T, 1.0f, b.dg, GH, x, g.F, 0.0f, dwih, g.F);
  if (g.classic)
    {
      nn_gemm (TRUE, FALSE, 2 * H, H, N * T, 1.0f, dgh, GH, b.hprev, H, 0.0f, dwhh, H);
      nn_gemm (TRUE, FALSE, H, H, N * T, 1.0f, dgh + 2 * H, GH, b.hn, H, 0.0f,
               dwhh + (gsize) 2 * H * H, H);
    }
  else
    nn_gemm (TRUE, FALSE, GH, H, N * T, 1.0f, dgh, GH, b.hprev, H, 0.0f, dwhh, H);
  memset (dbih, 0, sizeof (float) * GH * 2);
  for (gsize r = 0; r < (gsize) N * T; r++)
    {
      const float *di = b.dg + r * GH, *dr = dgh + r * GH;
      for (int j = 0; j < GH; j++)
        dbih[j] += di[j], dbhh[j] += dr[j];
    }
  if (c->d_in[0] != NULL)
    nn_gemm (FALSE, FALSE, N * T, g.F, GH, 1.0f, b.dg, GH, wih, g.F, 1.0f, c->d_in[0], g.F);
}

static double
recurrent_flops (const nn_layer_desc *d, const nn_shape *in, int n_in, const nn_shape *out)
{
  geom g;

  geom_of (d, in, &g);
  return 2.0 * g.T * g.GH * (double) (g.F + g.H);
}

#define RECURRENT_OPS(ident, ops_id, ops_name, ops_summary, ops_params) \
  const nn_layer_ops ident = {                                          \
    .id = ops_id,                                                       \
    .name = ops_name,                                                   \
    .summary = ops_summary,                                             \
    .group = NN_GROUP_RECURRENT,                                        \
    .params = ops_params,                                               \
    .n_params = G_N_ELEMENTS (ops_params),                              \
    .min_inputs = 1,                                                    \
    .max_inputs = 1,                                                    \
    .infer = recurrent_infer,                                           \
    .weights = recurrent_weights,                                       \
    .scratch_size = recurrent_scratch_size,                             \
    .init = recurrent_init,                                             \
    .forward = recurrent_forward,                                       \
    .backward = recurrent_backward,                                     \
    .flops = recurrent_flops,                                           \
  }

RECURRENT_OPS (nn_simple_rnn_ops, "simple_rnn", N_ ("SimpleRNN"),
               N_ ("The plainest recurrent layer: a tanh state updated at every step"),
               recurrent_params);
RECURRENT_OPS (nn_lstm_ops, "lstm", N_ ("LSTM"),
               N_ ("Long short-term memory: gated state that keeps information over many steps"),
               recurrent_params);
RECURRENT_OPS (nn_gru_ops, "gru", N_ ("GRU"),
               N_ ("Gated recurrent unit: an LSTM's memory with fewer weights"), gru_params);
