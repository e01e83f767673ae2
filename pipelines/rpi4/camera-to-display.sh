#!/bin/sh
# Raspberry Pi 4: a YUV source on unicam (an HDMI-to-CSI bridge such as the TC358743)
# straight to the vc4 display. Neither sits behind an IOMMU and the display reaches only
# the low 1 GiB, so the plan takes contiguous buffers from linux,cma that unicam captures
# into and vc4 scans out: 0 copies, one framebuffer import per buffer.
# plan: --producer unicam --consumer vc4 --format YUYV --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=unicam "${@:-num-buffers=300}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=YUYV,width=1920,height=1080;video/x-raw(memory:DMABuf),format=YUY2,width=1920,height=1080' \
	! dmabridgekmssink driver-name=vc4
