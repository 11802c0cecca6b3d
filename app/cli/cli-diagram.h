/* cli-diagram.h — `layerlab-cli diagram`: a model's diagram as PNG or SVG,
 * drawn by the same painter as the window's canvas. */
#pragma once

int cli_diagram (int argc, char **argv);
