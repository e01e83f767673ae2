#!/bin/sh
# Raspberry Pi 4: unicam encoded to H.264 by the VideoCore (bcm2835-codec-encode). The
# encoder's output queue is planned with the camera: contiguous buffers in the low 1 GiB
# with lines aligned to 64 bytes, which unicam captures into and the encoder reads as they
# are. 0 copies of pictures; the stream goes to a file.
# plan: --producer unicam --consumer bcm2835-codec-encode --format YUYV --size 1920x1080
out=${1:-camera.h264}
shift 2>/dev/null
exec gst-launch-1.0 -e -m dmabridgev4l2src device-name=unicam "${@:-num-buffers=300}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=YUYV,width=1920,height=1080;video/x-raw(memory:DMABuf),format=YUY2,width=1920,height=1080' \
	! dmabridgev4l2enc device-name=bcm2835-codec-encode ! h264parse \
	! filesink location="$out"
