#!/bin/sh
# vivid-001 (needs physically contiguous memory) scaled from 640x360 RGB24 to 640x480
# RGB565 by vim2m, into vkms. vim2m's output queue tells the camera's plan what it reads
# (the plan stays on the CMA heap 'reserved', which vim2m imports too); its capture queue
# writes into buffers planned for vkms. 0 copies.
here=$(dirname "$0")
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/../../build/gst-plugin}"
exec gst-launch-1.0 -m dmabridgev4l2src device-name=vivid-001 "${@:-num-buffers=60}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=BG24,width=640,height=360;video/x-raw(memory:DMABuf),format=RGB,width=640,height=360' \
	! dmabridgev4l2convert ! 'video/x-raw,format=RGB16,width=640,height=480' \
	! dmabridgekmssink driver-name=vkms
