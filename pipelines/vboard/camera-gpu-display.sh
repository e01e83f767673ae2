#!/bin/sh
# vivid-000 NV12 through the GPU (YUV to RGB) into vkms. Mesa's software GL driver only
# uses buffers of its own DRM device, so the plan has vivid-000 capture straight into vgem
# dumb buffers (rows aligned to 64 bytes for it): 0 copies from camera to display.
here=$(dirname "$0")
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/../../build/gst-plugin}"
exec gst-launch-1.0 -m dmabridgev4l2src device-name=vivid-000 "${@:-num-buffers=30}" \
	! video/x-raw,format=NV12,width=640,height=480 \
	! dmabridgeglconvert ! video/x-raw,format=BGRx \
	! dmabridgekmssink driver-name=vkms sync=false
