#!/bin/sh
# Test patterns drawn by the CPU straight into dma-bufs planned for vkms (system heap):
# one sync pair a frame, 0 copies.
here=$(dirname "$0")
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/../../build/gst-plugin}"
exec gst-launch-1.0 -m dmabridgetestsrc "${@:-num-buffers=60}" \
	! video/x-raw,width=1280,height=720 \
	! dmabridgekmssink driver-name=vkms sync=false
