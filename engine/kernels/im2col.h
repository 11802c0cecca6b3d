/* im2col.h — turning convolution into one matrix product.
 *
 * A batch of N images (NCHW) becomes a column matrix with one row per
 * (channel, kernel row, kernel column) and one column per (sample, output
 * row, output column):
 *
 *   col[(ci·kh + ki)·kw + kj][nn·oh·ow + y·ow + x]
 *     = im[nn][ci][y·sh − pt + ki·dh][x·sw − pl + kj·dw]   (0 outside the image)
 *
 * so the convolution of all samples is W[F × C·kh·kw] · col, one GEMM.
 * Padding is given per side (top/left); bottom/right follow from oh/ow,
 * which the caller computes, so asymmetric "same" padding needs nothing more.
 * Dilation dh/dw spaces the kernel's taps; 0 (what a designated initialiser
 * leaves) means 1, no gaps.
 * col2im is the adjoint: it ADDS every column entry back into the image it
 * came from (the gradient of im2col). Both use the threads of threads.h and
 * give the same result for any thread count. */
#pragma once

typedef struct
{
  int c, h, w; /* input image */
  int kh, kw;  /* kernel */
  int sh, sw;  /* stride */
  int pt, pl;  /* padding above and to the left */
  int oh, ow;  /* output size */
  int dh, dw;  /* dilation: distance between kernel taps; 0 means 1 */
} nn_conv_geom;

/* Rows of the column matrix: c·kh·kw. */
long nn_conv_geom_rows (const nn_conv_geom *g);

/* im: n × c × h × w; col: rows × (n·oh·ow), overwritten. */
void nn_im2col (const nn_conv_geom *g, int n, const float *im, float *col);
/* col: rows × (n·oh·ow); im: n × c × h × w, accumulated into (+=). */
void nn_col2im (const nn_conv_geom *g, int n, const float *col, float *im);
