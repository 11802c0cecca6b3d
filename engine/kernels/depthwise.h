/* depthwise.h — depthwise convolution (one input channel per group, as in
 * MobileNet) by sliding each filter's taps over its own channel's plane.
 *
 * As GEMMs this would be G products of F/G × N·OH·OW × kh·kw, too thin to
 * be fast; directly it needs no column matrix. The geometry is im2col.h's
 * nn_conv_geom (dilation 0 is not allowed here: the layer gives ≥ 1).
 * Filter fi of F (a multiple of C) reads channel fi / (F / C).
 *
 * Every sum has one owner thread and a fixed order, so any thread count
 * gives the same bits. */
#pragma once

#include "im2col.h"

/* x: n × C × H × W; w: F × kh × kw; bias: F, or NULL for none;
 * y: n × F × OH × OW, overwritten. */
void nn_depthwise_forward (const nn_conv_geom *g, int n, int f, const float *x, const float *w,
                           const float *bias, float *y);

/* dy: n × F × OH × OW. dw (F × kh × kw) and db (F, or NULL) are
 * overwritten; dx (n × C × H × W, or NULL) is added into, as col2im does. */
void nn_depthwise_backward (const nn_conv_geom *g, int n, int f, const float *x, const float *w,
                            const float *dy, float *dw, float *db, float *dx);
