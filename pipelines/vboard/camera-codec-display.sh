#!/bin/sh
# vivid-001 encoded to FWHT and decoded again by vicodec, into vkms. The encoder imports
# the camera's buffers; the decoder writes into buffers planned for vkms; the compressed
# stream between them is copied into the decoder's own buffers. 0 copies of pictures.
here=$(dirname "$0")
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/../../build/gst-plugin}"
exec gst-launch-1.0 -m dmabridgev4l2src device-name=vivid-001 "${@:-num-buffers=60}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=XR24,width=640,height=480;video/x-raw(memory:DMABuf),format=BGRx,width=640,height=480' \
	! dmabridgev4l2enc ! dmabridgev4l2dec ! dmabridgekmssink driver-name=vkms
