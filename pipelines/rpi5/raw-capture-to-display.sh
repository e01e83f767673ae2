#!/bin/sh
# Raspberry Pi 5: a YUV source on the RP1 camera front end straight to the display. rp1-cfe
# needs contiguous memory (vb2-dma-contig), the display does not: the plan takes linux,cma
# for the camera's sake and vc4 imports it through its IOMMU. 0 copies.
# plan: --producer rp1-cfe --consumer vc4 --format YUYV --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=rp1-cfe "${@:-num-buffers=300}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=YUYV,width=1920,height=1080;video/x-raw(memory:DMABuf),format=YUY2,width=1920,height=1080' \
	! dmabridgekmssink driver-name=vc4
